import CBlake2

/// BLAKE2s (RFC 7693) via libb2: 1–32-byte digests, optional 0–32-byte key (keyed mode is a
/// MAC). The 32-bit variant, for small platforms and protocols that specify it.
///
/// The incremental state is a copyable value, like the SHA-2 types.
public struct BLAKE2s: Sendable {
    /// 32: the largest (and default) digest length.
    public static let maximumOutputByteCount = 32
    /// 32: the largest key length.
    public static let maximumKeyByteCount = 32

    private var state = blake2s_state()
    /// The digest length this state produces.
    public let outputByteCount: Int

    /// Starts a hash producing `outputByteCount` bytes (1...32), keyed with `key` (0...32 bytes,
    /// empty = unkeyed). Throws ``CryptoError/invalidOutputSize(allowed:actual:)`` or
    /// ``CryptoError/keyTooLong(maximum:actual:)``.
    public init(outputByteCount: Int = 32, key: some Collection<UInt8> = [UInt8]()) throws(CryptoError) {
        guard (1...Self.maximumOutputByteCount).contains(outputByteCount) else {
            throw .invalidOutputSize(allowed: 1...Self.maximumOutputByteCount, actual: outputByteCount)
        }
        guard key.count <= Self.maximumKeyByteCount else {
            throw .keyTooLong(maximum: Self.maximumKeyByteCount, actual: key.count)
        }
        self.outputByteCount = outputByteCount
        let result = withContiguousBytes(key) { keyBytes in
            keyBytes.isEmpty
                ? blake2s_init(&state, outputByteCount)
                : blake2s_init_key(&state, outputByteCount, keyBytes.baseAddress!, keyBytes.count)
        }
        // Lengths were validated above, the only reasons libb2 fails.
        precondition(result == 0, "blake2s_init rejected validated parameters")
    }

    /// Absorbs `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        _ = blake2s_update(&state, base.assumingMemoryBound(to: UInt8.self), bytes.count)
    }

    /// Absorbs any byte collection.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        withContiguousBytes(bytes) { update($0) }
    }

    /// The digest of everything absorbed so far (``outputByteCount`` bytes); `self` keeps running.
    public func finalize() -> [UInt8] {
        var copy = state
        return [UInt8](unsafeUninitializedCapacity: outputByteCount) { buffer, initialized in
            _ = blake2s_final(&copy, buffer.baseAddress!, outputByteCount)
            initialized = outputByteCount
        }
    }

    /// One-shot BLAKE2s of `bytes`; same parameters and errors as ``init(outputByteCount:key:)``.
    public static func hash(
        _ bytes: some Collection<UInt8>, outputByteCount: Int = 32, key: some Collection<UInt8> = [UInt8]()
    ) throws(CryptoError) -> [UInt8] {
        var state = try BLAKE2s(outputByteCount: outputByteCount, key: key)
        state.update(bytes)
        return state.finalize()
    }
}
