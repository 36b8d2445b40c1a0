import CBlake2

/// BLAKE2b (RFC 7693) via libb2: 1–64-byte digests, optional 0–64-byte key (keyed mode is a
/// MAC). Node IDs are BLAKE2b-256 of the Ed25519 public key (DESIGN.md).
public typealias BLAKE2b = BLAKE2<BLAKE2bVariant>

/// libb2's `blake2b_*` functions and limits (64-byte digests and keys), for ``BLAKE2b``.
public enum BLAKE2bVariant: BLAKE2Variant {
    public static let name: StaticString = "BLAKE2b"
    public static let maximumOutputByteCount = 64, maximumKeyByteCount = 64

    public static func emptyState() -> blake2b_state { blake2b_state() }

    public static func initialize(_ state: inout blake2b_state, outputByteCount: Int, key: UnsafeRawBufferPointer) -> Int32 {
        guard let base = key.baseAddress, key.count > 0 else { return blake2b_init(&state, outputByteCount) }
        return blake2b_init_key(&state, outputByteCount, base, key.count)
    }

    public static func update(_ state: inout blake2b_state, _ bytes: UnsafePointer<UInt8>, _ count: Int) {
        _ = blake2b_update(&state, bytes, count)
    }

    public static func finalize(_ state: inout blake2b_state, into output: UnsafeMutablePointer<UInt8>, _ count: Int) {
        _ = blake2b_final(&state, output, count)
    }
}
