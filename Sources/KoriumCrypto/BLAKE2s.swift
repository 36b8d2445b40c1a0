import CBlake2

/// BLAKE2s (RFC 7693) via libb2: 1–32-byte digests, optional 0–32-byte key (keyed mode is a
/// MAC). The 32-bit variant, for small platforms and protocols that specify it.
public typealias BLAKE2s = BLAKE2<BLAKE2sVariant>

/// libb2's `blake2s_*` functions and limits (32-byte digests and keys), for ``BLAKE2s``.
public enum BLAKE2sVariant: BLAKE2Variant {
    public static let name: StaticString = "BLAKE2s"
    public static let maximumOutputByteCount = 32, maximumKeyByteCount = 32

    public static func emptyState() -> blake2s_state { blake2s_state() }

    public static func initialize(_ state: inout blake2s_state, outputByteCount: Int, key: UnsafeRawBufferPointer) -> Int32 {
        guard let base = key.baseAddress, key.count > 0 else { return blake2s_init(&state, outputByteCount) }
        return blake2s_init_key(&state, outputByteCount, base, key.count)
    }

    public static func update(_ state: inout blake2s_state, _ bytes: UnsafePointer<UInt8>, _ count: Int) {
        _ = blake2s_update(&state, bytes, count)
    }

    public static func finalize(_ state: inout blake2s_state, into output: UnsafeMutablePointer<UInt8>, _ count: Int) {
        _ = blake2s_final(&state, output, count)
    }
}
