import KoriumCrypto
import KoriumWire

/// A participant's round-one output (RFC 9591 §5.1): the public commitments D = d·B (hiding)
/// and E = e·B (binding) to its two secret nonces, tagged with its identifier.
public struct SigningCommitments: Sendable, Hashable, WireCodable {
    /// The committing participant.
    public let identifier: FROSTIdentifier
    /// hiding_nonce_commitment.
    public let hiding: Ed25519Point
    /// binding_nonce_commitment.
    public let binding: Ed25519Point

    /// Commitments from their parts (neither may be the identity).
    public init(identifier: FROSTIdentifier, hiding: Ed25519Point, binding: Ed25519Point) throws(FROSTError) {
        guard !hiding.isIdentity, !binding.isIdentity else { throw .identityElement }
        self.identifier = identifier
        self.hiding = hiding
        self.binding = binding
    }

    /// RFC 9591 §4.3 encoding of one list entry: SerializeScalar(i) || SerializeElement(D) ||
    /// SerializeElement(E), 96 bytes. This is also the wire encoding.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try identifier.encode(to: &w)
            try w.writeElement(hiding)
            try w.writeElement(binding)
        }
    }

    /// 96 bytes; both points validated (RFC 9591 §5.2: deserialize every commitment element).
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            let id = try FROSTIdentifier(from: &r)
            let d = try r.readElement()
            let e = try r.readElement()
            guard let c = try? SigningCommitments(identifier: id, hiding: d, binding: e) else {
                throw .invalid("identity commitment")
            }
            return c
        }
    }
}

/// A participant's secret round-one nonces (d, e) (RFC 9591 §5.1 `commit`).
///
/// Single-use by construction: the type is `~Copyable`, ``FROST/sign(signingPackage:nonces:keyPackage:)``
/// consumes it, and the scalars live in zeroizing storage that is wiped when the value ends.
/// RFC 9591 §5.2: "Each participant MUST delete the nonce ... and MUST NOT use the nonce as
/// input more than once to sign".
public struct SigningNonces: ~Copyable, Sendable {
    /// Format version of the encoding.
    static let version: UInt8 = 1

    /// hiding_nonce d.
    package let hiding: Ed25519SecretScalar
    /// binding_nonce e.
    package let binding: Ed25519SecretScalar
    /// The public commitments (d·B, e·B) for these nonces.
    public let commitments: SigningCommitments

    init(hiding: Ed25519SecretScalar, binding: Ed25519SecretScalar, identifier: FROSTIdentifier) throws(FROSTError) {
        self.hiding = hiding
        self.binding = binding
        commitments = try SigningCommitments(
            identifier: identifier, hiding: hiding.publicPoint, binding: binding.publicPoint)
    }

    /// RFC 9591 §4.1 `nonce_generate`: H3(random_bytes(32) || SerializeScalar(secret)).
    static func generateNonce(randomness: [UInt8], secret: Ed25519SecretScalar) -> Ed25519SecretScalar {
        Ed25519SecretScalar(FROSTCiphersuite.h3(randomness: randomness, secret: secret))
    }

    /// Encodes the secret nonces for a participant that must persist them between rounds:
    /// version(1) hiding(32) binding(32) commitments(96). Treat the bytes as a secret and delete
    /// them after signing; decoding a stored copy twice would reuse a nonce.
    public borrowing func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeUInt8(Self.version)
            try w.writeSecretScalar(hiding)
            try w.writeSecretScalar(binding)
            try commitments.encode(to: &w)
        }
    }

    /// Decodes nonces and checks they match the stored commitments.
    public init(from reader: inout ByteReader) throws(WireError) {
        let (d, e, c) = try reader.atomically {
            (r: inout ByteReader) throws(WireError) -> (Ed25519SecretScalar, Ed25519SecretScalar, SigningCommitments) in
            try r.expectVersion(Self.version)
            let d = try r.readSecretScalar()
            let e = try r.readSecretScalar()
            let c = try SigningCommitments(from: &r)
            guard d.publicPoint == c.hiding, e.publicPoint == c.binding else {
                throw .invalid("nonces do not match commitments")
            }
            return (d, e, c)
        }
        hiding = d
        binding = e
        commitments = c
    }

    /// Decodes nonces from exactly `bytes`.
    public init(wireBytes bytes: [UInt8]) throws(WireError) {
        var d: Ed25519SecretScalar? = nil
        var e: Ed25519SecretScalar? = nil
        var c: SigningCommitments? = nil
        try bytes.withReader { (r: inout ByteReader) throws(WireError) in
            let n = try SigningNonces(from: &r)
            try r.expectEnd()
            d = n.hiding
            e = n.binding
            c = n.commitments
        }
        guard let d, let e, let c else { throw .invalid("nonces") }
        hiding = d
        binding = e
        commitments = c
    }

    /// The encoding as a new array (secret: wipe or protect it).
    public borrowing func wireBytes() throws(WireError) -> [UInt8] {
        var w = ByteWriter(capacity: 161)
        try encode(to: &w)
        return w.bytes
    }
}
