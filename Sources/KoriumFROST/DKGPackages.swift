import KoriumCrypto
import KoriumWire

/// A Schnorr proof of knowledge of a participant's secret constant term a_i0 (Komlo–Goldberg
/// 2020, Figure 1, round 1 step 2): σ_i = (R_i, μ_i) with c_i = HDKG(i || φ_i0 || R_i).
public struct ProofOfKnowledge: Sendable, Hashable {
    /// R_i = k·B.
    public let r: Ed25519Point
    /// μ_i = k + a_i0·c_i.
    public let mu: Ed25519Scalar

    /// A proof from its parts.
    public init(r: Ed25519Point, mu: Ed25519Scalar) {
        self.r = r
        self.mu = mu
    }
}

/// Round-one broadcast of the distributed key generation: the sender's Feldman commitment to
/// its secret polynomial and its proof of knowledge of the constant term.
public struct DKGRound1Package: Sendable, Hashable, WireCodable {
    /// Format version of the encoding.
    static let version: UInt8 = 1

    /// The sender.
    public let identifier: FROSTIdentifier
    /// C_i = ⟨φ_i0, …, φ_i(t−1)⟩.
    public let commitment: VSSCommitment
    /// σ_i.
    public let proof: ProofOfKnowledge

    /// A package from its parts.
    public init(identifier: FROSTIdentifier, commitment: VSSCommitment, proof: ProofOfKnowledge) {
        self.identifier = identifier
        self.commitment = commitment
        self.proof = proof
    }

    /// version(1) identifier(32) commitment(count + 32·t) R(32) μ(32).
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeUInt8(Self.version)
            try identifier.encode(to: &w)
            try commitment.encode(to: &w)
            try w.writeElement(proof.r)
            try w.writeScalar(proof.mu)
        }
    }

    /// Decodes; the proof itself is checked by ``DKG/part2(secret:round1Packages:)``.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            try r.expectVersion(Self.version)
            let id = try FROSTIdentifier(from: &r)
            let commitment = try VSSCommitment(from: &r)
            let point = try r.readElement()
            let mu = try r.readScalar()
            return DKGRound1Package(identifier: id, commitment: commitment, proof: ProofOfKnowledge(r: point, mu: mu))
        }
    }
}

/// Round-two private message of the distributed key generation: f_sender(recipient), sent
/// over a confidential, authenticated channel. Also used by proactive refresh for δ_sender(recipient).
public struct DKGRound2Package: Sendable, Equatable, WireCodable {
    /// Format version of the encoding.
    static let version: UInt8 = 1

    /// The dealer of this share.
    public let sender: FROSTIdentifier
    /// The participant it is for.
    public let recipient: FROSTIdentifier
    /// The secret share value.
    public let share: Ed25519SecretScalar

    /// A package from its parts.
    public init(sender: FROSTIdentifier, recipient: FROSTIdentifier, share: Ed25519SecretScalar) {
        self.sender = sender
        self.recipient = recipient
        self.share = share
    }

    /// version(1) sender(32) recipient(32) share(32).
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeUInt8(Self.version)
            try sender.encode(to: &w)
            try recipient.encode(to: &w)
            try w.writeSecretScalar(share)
        }
    }

    /// 97 bytes.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            try r.expectVersion(Self.version)
            let s = try FROSTIdentifier(from: &r)
            let t = try FROSTIdentifier(from: &r)
            return DKGRound2Package(sender: s, recipient: t, share: try r.readSecretScalar())
        }
    }
}
