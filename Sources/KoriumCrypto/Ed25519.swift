import CSodium

/// Ed25519 signatures (RFC 8032 §5.1) via libsodium; the identity of every Korium node.
///
/// Verification is strict: libsodium 1.0.18's `crypto_sign_ed25519_verify_detached` rejects a
/// non-canonical `S` (S ≥ L, RFC 8032 §5.1.7), a small-order `R`, and a non-canonical or
/// small-order public key `A`. ``PublicKey/init(rawRepresentation:)`` goes further and accepts
/// only canonical points of the prime-order subgroup (`crypto_core_ed25519_is_valid_point`),
/// so a key with a torsion component is refused at import. Honest keys always pass both.
public enum Ed25519 {
    /// 32.
    public static let seedByteCount = Int(crypto_sign_ed25519_SEEDBYTES)
    /// 32.
    public static let publicKeyByteCount = Int(crypto_sign_ed25519_PUBLICKEYBYTES)
    /// 64.
    public static let signatureByteCount = Int(crypto_sign_ed25519_BYTES)
    /// libsodium's expanded secret key (seed || public key): 64.
    static let secretKeyByteCount = Int(crypto_sign_ed25519_SECRETKEYBYTES)

    /// A signing key: the 32-byte seed (RFC 8032 §5.1.5 private key) and its public key, kept in
    /// zeroizing storage.
    public struct PrivateKey: Sendable {
        /// seed || public key, libsodium's secret key format.
        private let secretKey: SecureBytes
        /// The matching public key.
        public let publicKey: PublicKey

        /// Derives the key pair from a 32-byte seed; throws
        /// ``CryptoError/invalidKeySize(expected:actual:)`` for another length.
        public init(seed: some Collection<UInt8>) throws(CryptoError) {
            guard seed.count == Ed25519.seedByteCount else {
                throw .invalidKeySize(expected: Ed25519.seedByteCount, actual: seed.count)
            }
            Sodium.ensureInitialized()
            var publicBytes = [UInt8](repeating: 0, count: Ed25519.publicKeyByteCount)
            secretKey = SecureBytes(count: Ed25519.secretKeyByteCount) { (sk: UnsafeMutableRawBufferPointer) in
                withContiguousBytes(seed) { s in
                    _ = crypto_sign_ed25519_seed_keypair(
                        &publicBytes, sk.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        s.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            publicKey = PublicKey(validated: publicBytes)
        }

        /// A fresh random key pair.
        public static func generate() -> PrivateKey {
            let seed = SecureBytes(randomCount: Ed25519.seedByteCount)
            do {
                return try PrivateKey(seed: seed)
            } catch {
                preconditionFailure("a \(Ed25519.seedByteCount)-byte seed is always valid")
            }
        }

        /// The 32-byte seed (the RFC 8032 private key), for storage.
        public var seed: SecureBytes {
            SecureBytes(secretKey.prefix(Ed25519.seedByteCount))
        }

        /// Signs `message` (RFC 8032 §5.1.6, deterministic); returns the 64-byte signature.
        public func signature(for message: some Collection<UInt8>) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: Ed25519.signatureByteCount) { buffer, initialized in
                withContiguousBytes(message) { m in
                    withNonNullBase(m) { mp in
                        secretKey.withUnsafeBytes { sk in
                            _ = crypto_sign_ed25519_detached(
                                buffer.baseAddress!, nil, mp, UInt64(m.count),
                                sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
                        }
                    }
                }
                initialized = Ed25519.signatureByteCount
            }
        }
    }

    /// A verifying key: a canonical point of the prime-order subgroup.
    public struct PublicKey: Sendable, Hashable {
        /// The 32-byte encoding (RFC 8032 §5.1.2).
        public let rawRepresentation: [UInt8]

        /// Imports a public key. Throws ``CryptoError/invalidKeySize(expected:actual:)`` for a
        /// length other than 32 and ``CryptoError/invalidPublicKey`` for an encoding that is
        /// non-canonical, not on the curve, of small order or outside the prime-order subgroup.
        public init(rawRepresentation: some Collection<UInt8>) throws(CryptoError) {
            guard rawRepresentation.count == Ed25519.publicKeyByteCount else {
                throw .invalidKeySize(expected: Ed25519.publicKeyByteCount, actual: rawRepresentation.count)
            }
            Sodium.ensureInitialized()
            let bytes = Array(rawRepresentation)
            guard crypto_core_ed25519_is_valid_point(bytes) == 1 else { throw .invalidPublicKey }
            self.rawRepresentation = bytes
        }

        fileprivate init(validated bytes: [UInt8]) {
            rawRepresentation = bytes
        }

        /// Whether `signature` is a valid, canonical signature of `message` under this key
        /// (strict RFC 8032 §5.1.7 verification, see ``Ed25519``). A signature that is not
        /// exactly 64 bytes is simply invalid.
        public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
            guard signature.count == Ed25519.signatureByteCount else { return false }
            return withContiguousBytes(signature) { sig in
                withContiguousBytes(message) { m in
                    withNonNullBase(m) { mp in
                        crypto_sign_ed25519_verify_detached(
                            sig.baseAddress!.assumingMemoryBound(to: UInt8.self), mp, UInt64(m.count),
                            rawRepresentation) == 0
                    }
                }
            }
        }

        /// Throwing form of ``isValidSignature(_:for:)``: throws
        /// ``CryptoError/invalidSignature`` unless the signature verifies.
        public func verify(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) throws(CryptoError) {
            guard isValidSignature(signature, for: message) else { throw .invalidSignature }
        }
    }
}
