/// A cryptographic hash with copyable incremental state.
///
/// State is a value: copying it snapshots the running hash, which the TLS transcript hash
/// needs (hash-so-far at several handshake points). Conformers: ``SHA256``, ``SHA384``,
/// ``SHA512``. ``HMAC`` and ``HKDF`` are generic over this protocol.
public protocol HashFunction: Sendable {
    /// Digest length in bytes.
    static var digestByteCount: Int { get }
    /// Internal block length in bytes (HMAC pads keys to it).
    static var blockByteCount: Int { get }
    /// A fresh state.
    init()
    /// Absorbs `bytes`.
    mutating func update(_ bytes: UnsafeRawBufferPointer)
    /// The digest of everything absorbed so far; the state itself is unchanged, so it can keep
    /// absorbing (snapshot semantics).
    func finalize() -> [UInt8]
    /// Writes the digest into `output` (exactly ``digestByteCount`` bytes) without allocating.
    func finalize(into output: UnsafeMutableRawBufferPointer)
}

extension HashFunction {
    /// Absorbs any byte collection (no copy for arrays and `SecureBytes`).
    public mutating func update(_ bytes: some Collection<UInt8>) {
        withContiguousBytes(bytes) { update($0) }
    }

    /// One-shot digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var state = Self()
        state.update(bytes)
        return state.finalize()
    }

    /// Default allocating finalize built on ``finalize(into:)``.
    public func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.digestByteCount) { buffer, initialized in
            finalize(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = Self.digestByteCount
        }
    }
}
