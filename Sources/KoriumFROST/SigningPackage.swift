import KoriumCrypto
import KoriumWire

/// What the coordinator sends every chosen signer in round two (RFC 9591 §5.2): the message
/// and the commitment list, sorted by identifier with no repeats.
public struct SigningPackage: Sendable, Equatable, WireCodable {
    /// Format version of the encoding.
    static let version: UInt8 = 1

    /// The commitment list, strictly ascending by identifier.
    public let commitments: [SigningCommitments]
    /// The message to be signed.
    public let message: [UInt8]

    /// Sorts `commitments` by identifier (RFC 9591 §4.3: the list MUST be sorted) and rejects
    /// repeated identifiers, an empty list, and over-long messages or lists.
    public init(commitments: [SigningCommitments], message: [UInt8]) throws(FROSTError) {
        guard !commitments.isEmpty, commitments.count <= FROSTLimits.maxParticipants else {
            throw .wrongParticipantCount(minimum: 1, maximum: FROSTLimits.maxParticipants, actual: commitments.count)
        }
        guard message.count <= FROSTLimits.maxMessageLength else {
            throw .messageTooLong(maximum: FROSTLimits.maxMessageLength, actual: message.count)
        }
        let sorted = commitments.sorted { $0.identifier < $1.identifier }
        for i in sorted.indices.dropFirst() where sorted[i].identifier == sorted[i - 1].identifier {
            throw .duplicateIdentifier(sorted[i].identifier)
        }
        self.commitments = sorted
        self.message = message
    }

    /// The participants, ascending (RFC 9591 §4.3 `participants_from_commitment_list`).
    public var identifiers: [FROSTIdentifier] { commitments.map(\.identifier) }

    /// The commitments of `identifier`.
    public func commitments(of identifier: FROSTIdentifier) throws(FROSTError) -> SigningCommitments {
        guard let c = commitments.first(where: { $0.identifier == identifier }) else {
            throw .unknownIdentifier(identifier)
        }
        return c
    }

    /// RFC 9591 §4.3 `encode_group_commitment_list`.
    var encodedCommitmentList: [UInt8] {
        var w = ByteWriter(capacity: commitments.count * 96)
        for c in commitments {
            // Growable writer and validated non-identity points: cannot fail.
            try? c.encode(to: &w)
        }
        return w.bytes
    }

    /// version(1) count(varint) commitments(96 each, ascending) message(varint length + bytes).
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeUInt8(Self.version)
            try w.writeArray(commitments, maxCount: FROSTLimits.maxParticipants)
            guard message.count <= FROSTLimits.maxMessageLength else {
                throw .lengthExceedsLimit(length: message.count, limit: FROSTLimits.maxMessageLength)
            }
            try w.writeLengthPrefixedBytes(message)
        }
    }

    /// Decodes; identifiers must be strictly ascending, the list non-empty, the message within
    /// ``FROSTLimits/maxMessageLength``.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            try r.expectVersion(Self.version)
            let list = try r.readArray(of: SigningCommitments.self, maxCount: FROSTLimits.maxParticipants)
            guard !list.isEmpty else { throw .invalid("empty commitment list") }
            for i in list.indices.dropFirst() where !(list[i - 1].identifier < list[i].identifier) {
                throw .invalid("commitments not strictly ascending")
            }
            let message = try r.readLengthPrefixedArray(maxLength: FROSTLimits.maxMessageLength)
            guard let p = try? SigningPackage(commitments: list, message: message) else {
                throw .invalid("signing package")
            }
            return p
        }
    }
}

/// A signer's round-two output z_i (RFC 9591 §5.2), tagged with its identifier.
public struct SignatureShare: Sendable, Hashable, WireCodable {
    /// The signer.
    public let identifier: FROSTIdentifier
    /// sig_share z_i.
    public let share: Ed25519Scalar

    /// A share from its parts.
    public init(identifier: FROSTIdentifier, share: Ed25519Scalar) {
        self.identifier = identifier
        self.share = share
    }

    /// identifier(32) share(32).
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try identifier.encode(to: &w)
            try w.writeScalar(share)
        }
    }

    /// 64 bytes; RFC 9591 §5.3: the coordinator MUST validate each share with DeserializeScalar.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            SignatureShare(identifier: try FROSTIdentifier(from: &r), share: try r.readScalar())
        }
    }
}

/// A Schnorr signature (R, z) (RFC 9591 Appendix A): R_encoded || z_encoded, 64 bytes — an
/// ordinary RFC 8032 Ed25519 signature.
public struct Signature: Sendable, Hashable, WireCodable {
    /// Encoded length.
    public static let byteCount = 64

    /// The group commitment R.
    public let r: Ed25519Point
    /// The response z.
    public let z: Ed25519Scalar

    /// A signature from its parts (R must not be the identity).
    public init(r: Ed25519Point, z: Ed25519Scalar) throws(FROSTError) {
        guard !r.isIdentity else { throw .identityElement }
        self.r = r
        self.z = z
    }

    /// The 64-byte Ed25519 encoding.
    public var bytes: [UInt8] { r.bytes + z.bytes }

    /// R(32) z(32).
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeElement(r)
            try w.writeScalar(z)
        }
    }

    /// 64 bytes: a valid non-identity R, a canonical z.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            let point = try r.readElement()
            let z = try r.readScalar()
            guard let s = try? Signature(r: point, z: z) else { throw .invalid("identity R") }
            return s
        }
    }
}
