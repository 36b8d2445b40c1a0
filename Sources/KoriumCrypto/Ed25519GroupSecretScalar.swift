/// A secret ``Ed25519Scalar`` (a signing key, a key share, a polynomial coefficient) kept in
/// ``SecureBytes``, so its storage is wiped when the last copy goes away.
///
/// Arithmetic works on ``scalar``, a short-lived copy on the stack; keep only this type in
/// long-lived structures. Equality is constant-time. `description` never shows the value.
public struct Ed25519SecretScalar: Sendable, Equatable, CustomStringConvertible {
    private let storage: SecureBytes

    /// Moves `scalar` into zeroizing storage.
    public init(_ scalar: Ed25519Scalar) {
        storage = scalar.withUnsafeBytes { SecureBytes($0) }
    }

    /// RFC 9591 DeserializeScalar into zeroizing storage.
    ///
    /// - Throws: `CryptoError.invalidScalar` for a wrong length or a value ≥ L.
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoError) {
        self.init(try Ed25519Scalar(canonicalBytes: bytes))
    }

    /// A uniformly random non-zero secret scalar from libsodium's CSPRNG.
    public static func random() -> Ed25519SecretScalar {
        Ed25519SecretScalar(.random())
    }

    /// A uniformly random secret scalar drawn from `generator` (seeded tests).
    public static func random(using generator: inout some RandomNumberGenerator) -> Ed25519SecretScalar {
        Ed25519SecretScalar(.random(using: &generator))
    }

    /// A working copy of the value for arithmetic.
    public var scalar: Ed25519Scalar {
        storage.withUnsafeBytes { raw in
            var s = InlineArray<32, UInt8>(repeating: 0)
            for i in 0..<32 { s[i] = raw[i] }
            return Ed25519Scalar(storage: s)
        }
    }

    /// `scalar · B`, the public counterpart of this secret.
    public var publicPoint: Ed25519Point { .baseMultiplied(by: scalar) }

    /// Lends the 32-byte little-endian encoding (RFC 9591 SerializeScalar).
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try storage.withUnsafeBytes(body)
    }

    /// Constant-time equality.
    public static func == (lhs: Ed25519SecretScalar, rhs: Ed25519SecretScalar) -> Bool {
        lhs.storage == rhs.storage
    }

    /// Redacted.
    public var description: String { "Ed25519SecretScalar(<redacted>)" }
}
