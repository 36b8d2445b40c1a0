import CSodium

/// SHA-256 (FIPS 180-4) on libsodium's incremental state; a copyable value.
public struct SHA256: HashFunction {
    /// 32.
    public static let digestByteCount = 32
    /// 64.
    public static let blockByteCount = 64

    private var state = crypto_hash_sha256_state()

    /// A fresh state.
    public init() {
        Sodium.ensureInitialized()
        crypto_hash_sha256_init(&state)
    }

    /// Absorbs `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        crypto_hash_sha256_update(&state, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    /// Writes the digest of everything absorbed so far into `output` (exactly 32 bytes);
    /// finalises a copy, so `self` keeps running.
    public func finalize(into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count == Self.digestByteCount, "SHA256 output must be 32 bytes")
        var copy = state
        crypto_hash_sha256_final(&copy, output.baseAddress!.assumingMemoryBound(to: UInt8.self))
    }
}
