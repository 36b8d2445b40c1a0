import CSodium

/// SHA-512 (FIPS 180-4) on libsodium's incremental state; a copyable value.
public struct SHA512: HashFunction {
    /// 64.
    public static let digestByteCount = 64
    /// 128.
    public static let blockByteCount = 128

    private var state = crypto_hash_sha512_state()

    /// A fresh state.
    public init() {
        Sodium.ensureInitialized()
        crypto_hash_sha512_init(&state)
    }

    /// Starts from libsodium's SHA-512 state with another initial hash value (used by SHA-384).
    init(initialHashValue: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)) {
        self.init()
        state.state = initialHashValue
    }

    /// Absorbs `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        crypto_hash_sha512_update(&state, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    /// Writes the digest of everything absorbed so far into `output` (exactly 64 bytes);
    /// finalises a copy, so `self` keeps running.
    public func finalize(into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count == Self.digestByteCount, "SHA512 output must be 64 bytes")
        var copy = state
        crypto_hash_sha512_final(&copy, output.baseAddress!.assumingMemoryBound(to: UInt8.self))
    }
}
