import CSodium

/// X25519 Diffie-Hellman (RFC 7748 §5) via libsodium's `crypto_scalarmult_curve25519`; the
/// only TLS 1.3 key exchange this project offers.
public enum X25519 {
    /// 32: private keys, public keys and shared secrets are all 32 bytes.
    public static let byteCount = Int(crypto_scalarmult_curve25519_BYTES)

    /// A private scalar (kept in zeroizing storage) and its public key.
    public struct PrivateKey: Sendable {
        /// The 32-byte scalar as given (libsodium clamps it on use, RFC 7748 §5).
        public let rawRepresentation: SecureBytes
        /// `X25519(k, 9)`, computed once.
        public let publicKey: PublicKey

        /// A fresh random key.
        public init() {
            self.init(validated: SecureBytes(randomCount: X25519.byteCount))
        }

        /// A fresh random key (same as ``init()``).
        public static func generate() -> PrivateKey { PrivateKey() }

        /// Imports a 32-byte scalar; throws ``CryptoError/invalidKeySize(expected:actual:)``
        /// otherwise. Every 32-byte string is a valid X25519 private key.
        public init(rawRepresentation: some Collection<UInt8>) throws(CryptoError) {
            guard rawRepresentation.count == X25519.byteCount else {
                throw .invalidKeySize(expected: X25519.byteCount, actual: rawRepresentation.count)
            }
            self.init(validated: SecureBytes(rawRepresentation))
        }

        private init(validated scalar: SecureBytes) {
            Sodium.ensureInitialized()
            rawRepresentation = scalar
            var point = [UInt8](repeating: 0, count: X25519.byteCount)
            scalar.withUnsafeBytes { s in
                // Base-point multiplication only fails for results that are all zero, which a
                // clamped scalar times the base point never is.
                _ = crypto_scalarmult_curve25519_base(&point, s.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            publicKey = PublicKey(validated: point)
        }

        /// `X25519(k, peer)`, the shared secret. RFC 7748 §6.1 / RFC 8446 §7.4.2: an all-zero
        /// result (the peer sent a small-order point) throws ``CryptoError/weakSharedSecret``;
        /// the handshake must then abort.
        public func sharedSecret(with peer: PublicKey) throws(CryptoError) -> SecureBytes {
            try SecureBytes(count: X25519.byteCount) { (output: UnsafeMutableRawBufferPointer) throws(CryptoError) in
                let result = rawRepresentation.withUnsafeBytes { s in
                    peer.rawRepresentation.withUnsafeBufferPointer { p in
                        crypto_scalarmult_curve25519(
                            output.baseAddress!.assumingMemoryBound(to: UInt8.self),
                            s.baseAddress!.assumingMemoryBound(to: UInt8.self), p.baseAddress!)
                    }
                }
                // libsodium returns -1 exactly when the output is all zero.
                guard result == 0 else { throw .weakSharedSecret }
            }
        }
    }

    /// A public u-coordinate (RFC 7748 §5: any 32 bytes; the top bit is ignored).
    public struct PublicKey: Sendable, Hashable {
        /// The 32-byte encoding.
        public let rawRepresentation: [UInt8]

        /// Imports a 32-byte public key; throws ``CryptoError/invalidKeySize(expected:actual:)``
        /// for any other length. Small-order points are accepted here and caught by
        /// ``PrivateKey/sharedSecret(with:)``.
        public init(rawRepresentation: some Collection<UInt8>) throws(CryptoError) {
            guard rawRepresentation.count == X25519.byteCount else {
                throw .invalidKeySize(expected: X25519.byteCount, actual: rawRepresentation.count)
            }
            self.rawRepresentation = Array(rawRepresentation)
        }

        fileprivate init(validated bytes: [UInt8]) {
            rawRepresentation = bytes
        }
    }
}
