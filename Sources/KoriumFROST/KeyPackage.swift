import KoriumCrypto
import KoriumWire

/// What one participant holds after key generation: its identifier, its secret signing share
/// s_i, the matching verifying share s_i·B, the group public key and the threshold.
public struct KeyPackage: Sendable, Equatable, WireCodable {
    /// Format version of the encoding.
    static let version: UInt8 = 1

    /// This participant.
    public let identifier: FROSTIdentifier
    /// The secret share s_i = f(i), in zeroizing storage.
    public let signingShare: Ed25519SecretScalar
    /// s_i·B, which the others know as this participant's public key share.
    public let verifyingShare: Ed25519Point
    /// The group public key (an ordinary Ed25519 public key).
    public let groupPublicKey: Ed25519Point
    /// The threshold t: signatures need this many participants.
    public let minSigners: Int

    /// Assembles a key package, checking that `verifyingShare` is `signingShare`·B.
    ///
    /// - Throws: `FROSTError.inconsistentKeyPackages` if the shares do not match;
    ///   `FROSTError.invalidParameters` for a threshold outside 2...maxParticipants;
    ///   `FROSTError.identityElement` for an identity verifying share or group key.
    public init(
        identifier: FROSTIdentifier, signingShare: Ed25519SecretScalar, verifyingShare: Ed25519Point,
        groupPublicKey: Ed25519Point, minSigners: Int
    ) throws(FROSTError) {
        guard minSigners >= 2, minSigners <= FROSTLimits.maxParticipants else {
            throw .invalidParameters(minSigners: minSigners, maxSigners: FROSTLimits.maxParticipants)
        }
        guard !verifyingShare.isIdentity, !groupPublicKey.isIdentity else { throw .identityElement }
        guard signingShare.publicPoint == verifyingShare else { throw .inconsistentKeyPackages }
        self.identifier = identifier
        self.signingShare = signingShare
        self.verifyingShare = verifyingShare
        self.groupPublicKey = groupPublicKey
        self.minSigners = minSigners
    }

    /// version(1) identifier(32) signingShare(32) verifyingShare(32) groupPublicKey(32) minSigners(2).
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeUInt8(Self.version)
            try identifier.encode(to: &w)
            try w.writeSecretScalar(signingShare)
            try w.writeElement(verifyingShare)
            try w.writeElement(groupPublicKey)
            try w.writeParticipantCount(minSigners)
        }
    }

    /// Decodes and re-checks the package (valid elements, verifying share = signing share·B,
    /// threshold ≥ 2).
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            try r.expectVersion(Self.version)
            let identifier = try FROSTIdentifier(from: &r)
            let share = try r.readSecretScalar()
            let verifying = try r.readElement()
            let group = try r.readElement()
            let minSigners = try r.readParticipantCount()
            do throws(FROSTError) {
                return try KeyPackage(
                    identifier: identifier, signingShare: share, verifyingShare: verifying,
                    groupPublicKey: group, minSigners: minSigners)
            } catch {
                throw .invalid("inconsistent key package")
            }
        }
    }
}

/// The public group information every participant and the coordinator share (RFC 9591 §5
/// "group info"): the group public key, every participant's verifying share, the threshold.
public struct PublicKeyPackage: Sendable, Equatable, WireCodable {
    /// Format version of the encoding.
    static let version: UInt8 = 1

    /// The group public key.
    public let groupPublicKey: Ed25519Point
    /// Verifying shares by participant, sorted by identifier.
    public let verifyingShares: [(identifier: FROSTIdentifier, share: Ed25519Point)]
    /// The threshold t.
    public let minSigners: Int

    /// Builds the package; sorts the shares and checks distinct identifiers and
    /// 2 ≤ minSigners ≤ count ≤ maxParticipants.
    public init(
        groupPublicKey: Ed25519Point, verifyingShares: [(identifier: FROSTIdentifier, share: Ed25519Point)],
        minSigners: Int
    ) throws(FROSTError) {
        guard minSigners >= 2, minSigners <= verifyingShares.count,
            verifyingShares.count <= FROSTLimits.maxParticipants
        else { throw .invalidParameters(minSigners: minSigners, maxSigners: verifyingShares.count) }
        guard !groupPublicKey.isIdentity, !verifyingShares.contains(where: { $0.share.isIdentity }) else {
            throw .identityElement
        }
        let sorted = verifyingShares.sorted { $0.identifier < $1.identifier }
        for i in sorted.indices.dropFirst() where sorted[i].identifier == sorted[i - 1].identifier {
            throw .duplicateIdentifier(sorted[i].identifier)
        }
        self.groupPublicKey = groupPublicKey
        self.verifyingShares = sorted
        self.minSigners = minSigners
    }

    /// The number of participants n.
    public var maxSigners: Int { verifyingShares.count }

    /// All participant identifiers, ascending.
    public var identifiers: [FROSTIdentifier] { verifyingShares.map(\.identifier) }

    /// The verifying share of `identifier`.
    public func verifyingShare(of identifier: FROSTIdentifier) throws(FROSTError) -> Ed25519Point {
        guard let entry = verifyingShares.first(where: { $0.identifier == identifier }) else {
            throw .unknownIdentifier(identifier)
        }
        return entry.share
    }

    /// Equal group keys, thresholds and verifying shares.
    public static func == (lhs: PublicKeyPackage, rhs: PublicKeyPackage) -> Bool {
        lhs.groupPublicKey == rhs.groupPublicKey && lhs.minSigners == rhs.minSigners
            && lhs.verifyingShares.count == rhs.verifyingShares.count
            && zip(lhs.verifyingShares, rhs.verifyingShares).allSatisfy {
                $0.identifier == $1.identifier && $0.share == $1.share
            }
    }

    /// version(1) minSigners(2) groupPublicKey(32) count(varint) then (identifier(32) share(32))*,
    /// identifiers strictly ascending.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeUInt8(Self.version)
            try w.writeParticipantCount(minSigners)
            try w.writeElement(groupPublicKey)
            try w.writeLength(verifyingShares.count, .canonicalVarInt)
            for entry in verifyingShares {
                try entry.identifier.encode(to: &w)
                try w.writeElement(entry.share)
            }
        }
    }

    /// Decodes; rejects unsorted or repeated identifiers and a threshold above the count.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            try r.expectVersion(Self.version)
            let minSigners = try r.readParticipantCount()
            let group = try r.readElement()
            let n = try r.readLength(.canonicalVarInt, maxLength: FROSTLimits.maxParticipants)
            guard n * 64 <= r.remaining else { throw .truncated(needed: n * 64, available: r.remaining) }
            var shares: [(identifier: FROSTIdentifier, share: Ed25519Point)] = []
            shares.reserveCapacity(n)
            for _ in 0..<n {
                let id = try FROSTIdentifier(from: &r)
                if let last = shares.last, !(last.identifier < id) {
                    throw .invalid("identifiers not strictly ascending")
                }
                shares.append((id, try r.readElement()))
            }
            do throws(FROSTError) {
                return try PublicKeyPackage(groupPublicKey: group, verifyingShares: shares, minSigners: minSigners)
            } catch {
                throw .invalid("inconsistent public key package")
            }
        }
    }
}
