import KoriumCrypto
import KoriumWire

/// A participant's broadcast in proactive share refresh: Feldman commitments δ_k·B to the
/// coefficients k = 1…t−1 of its random polynomial δ with δ(0) = 0. The constant term is zero
/// by construction, so it is not sent (its commitment would be the identity).
public struct RefreshCommitment: Sendable, Hashable, WireCodable {
    /// Format version of the encoding.
    static let version: UInt8 = 1

    /// The sender.
    public let identifier: FROSTIdentifier
    /// δ_1·B … δ_(t−1)·B.
    public let coefficients: [Ed25519Point]

    /// A commitment from its parts.
    public init(identifier: FROSTIdentifier, coefficients: [Ed25519Point]) {
        self.identifier = identifier
        self.coefficients = coefficients
    }

    /// δ(x)·B from the commitment: Σ_{k≥1} (δ_k·B)·x^k.
    func evaluate(at x: FROSTIdentifier) -> Ed25519Point {
        Polynomial.evaluate([.identity] + coefficients, at: x.scalar)
    }

    /// version(1) identifier(32) count(varint) points(32 each).
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeUInt8(Self.version)
            try identifier.encode(to: &w)
            guard !coefficients.isEmpty, coefficients.count < FROSTLimits.maxParticipants else {
                throw .lengthExceedsLimit(length: coefficients.count, limit: FROSTLimits.maxParticipants - 1)
            }
            try w.writeLength(coefficients.count, .canonicalVarInt)
            for c in coefficients { try w.writeElement(c) }
        }
    }

    /// Decodes; 1…maxParticipants−1 valid non-identity points.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            try r.expectVersion(Self.version)
            let id = try FROSTIdentifier(from: &r)
            let n = try r.readLength(.canonicalVarInt, maxLength: FROSTLimits.maxParticipants - 1)
            guard n >= 1 else { throw .invalid("empty refresh commitment") }
            guard n * Ed25519Point.byteCount <= r.remaining else {
                throw .truncated(needed: n * Ed25519Point.byteCount, available: r.remaining)
            }
            var points: [Ed25519Point] = []
            points.reserveCapacity(n)
            for _ in 0..<n { points.append(try r.readElement()) }
            return RefreshCommitment(identifier: id, coefficients: points)
        }
    }
}

/// Proactive secret sharing refresh (Herzberg et al., CRYPTO 1995): every participant deals a
/// random sharing of zero; each adds the n sub-shares to its share. The group key and every
/// verifying share's relation to it stay valid, while the new shares lie on a fresh polynomial,
/// so shares from before and after a refresh do not combine.
///
/// All n participants take part: each calls ``begin(keyPackage:publicKeyPackage:using:)``,
/// broadcasts the commitment, sends each private ``DKGRound2Package`` to its recipient (one is
/// for itself), then calls ``finish(keyPackage:publicKeyPackage:commitments:shares:)`` with all n
/// commitments and the n shares addressed to it.
public enum Refresh {
    /// Deals a sharing of zero to every participant of `publicKeyPackage`.
    public static func begin(
        keyPackage: KeyPackage, publicKeyPackage: PublicKeyPackage,
        using generator: inout some RandomNumberGenerator
    ) throws(FROSTError) -> (RefreshCommitment, [DKGRound2Package]) {
        let ids = publicKeyPackage.identifiers
        guard ids.contains(keyPackage.identifier) else { throw .unknownIdentifier(keyPackage.identifier) }
        guard keyPackage.groupPublicKey == publicKeyPackage.groupPublicKey,
            keyPackage.minSigners == publicKeyPackage.minSigners
        else { throw .inconsistentKeyPackages }
        let t = keyPackage.minSigners
        let delta = [Ed25519Scalar.zero] + Polynomial.randomCoefficients(count: t - 1, using: &generator)
        let commitment = RefreshCommitment(
            identifier: keyPackage.identifier, coefficients: delta.dropFirst().map { Ed25519Point.baseMultiplied(by: $0) })
        let shares = ids.map { id in
            DKGRound2Package(
                sender: keyPackage.identifier, recipient: id,
                share: Ed25519SecretScalar(Polynomial.evaluate(delta, at: id.scalar)))
        }
        return (commitment, shares)
    }

    /// ``begin(keyPackage:publicKeyPackage:using:)`` with the system CSPRNG.
    public static func begin(
        keyPackage: KeyPackage, publicKeyPackage: PublicKeyPackage
    ) throws(FROSTError) -> (RefreshCommitment, [DKGRound2Package]) {
        var rng = SystemRandomNumberGenerator()
        return try begin(keyPackage: keyPackage, publicKeyPackage: publicKeyPackage, using: &rng)
    }

    /// Checks every sub-share against its dealer's commitment and applies the refresh.
    ///
    /// - Throws: `.invalidSecretShare(culprit:)` for a sub-share that does not match its
    ///   commitment; `.invalidCommitmentLength(culprit:)` for a commitment not of length t−1;
    ///   `.missingPackage(from:)`, `.duplicateIdentifier`, `.unknownIdentifier`,
    ///   `.misaddressedPackage(from:)` for an incomplete or wrong set of messages.
    public static func finish(
        keyPackage: KeyPackage, publicKeyPackage: PublicKeyPackage, commitments: [RefreshCommitment],
        shares: [DKGRound2Package]
    ) throws(FROSTError) -> (KeyPackage, PublicKeyPackage) {
        let ids = publicKeyPackage.identifiers
        let t = publicKeyPackage.minSigners
        guard keyPackage.groupPublicKey == publicKeyPackage.groupPublicKey, ids.contains(keyPackage.identifier) else {
            throw .inconsistentKeyPackages
        }
        let sorted = commitments.sorted { $0.identifier < $1.identifier }
        guard sorted.count == ids.count else {
            throw .wrongParticipantCount(minimum: ids.count, maximum: ids.count, actual: sorted.count)
        }
        for (c, id) in zip(sorted, ids) {
            guard c.identifier == id else {
                throw sorted.contains(where: { $0.identifier == id }) ? .duplicateIdentifier(c.identifier) : .missingPackage(from: id)
            }
            guard c.coefficients.count == t - 1 else { throw .invalidCommitmentLength(culprit: c.identifier) }
        }
        let received = try DKG.collectShares(shares, for: keyPackage.identifier, from: ids)
        guard try publicKeyPackage.verifyingShare(of: keyPackage.identifier) == keyPackage.verifyingShare else {
            throw .inconsistentKeyPackages
        }
        var s = keyPackage.signingShare.scalar
        for c in sorted {
            guard let delta = received[c.identifier] else { throw .missingPackage(from: c.identifier) }
            s += delta.scalar
        }
        // New verifying shares: Y_j + Σ_ℓ δ_ℓ(j)·B, with the commitments summed coefficient-wise.
        var summed = [Ed25519Point](repeating: .identity, count: t - 1)
        for c in sorted {
            for k in 0..<(t - 1) { summed[k] += c.coefficients[k] }
        }
        let update = RefreshCommitment(identifier: keyPackage.identifier, coefficients: summed)
        var verifying: [(identifier: FROSTIdentifier, share: Ed25519Point)] = []
        for (id, old) in publicKeyPackage.verifyingShares { verifying.append((id, old + update.evaluate(at: id))) }
        let pkp = try PublicKeyPackage(
            groupPublicKey: publicKeyPackage.groupPublicKey, verifyingShares: verifying, minSigners: t)
        // Batch check: the new key package requires s'·B = Y_i + Σ_ℓ δ_ℓ(i)·B. Only if it fails is
        // each sub-share checked against its dealer's commitment, to name the culprit.
        do throws(FROSTError) {
            let kp = try KeyPackage(
                identifier: keyPackage.identifier, signingShare: Ed25519SecretScalar(s),
                verifyingShare: try pkp.verifyingShare(of: keyPackage.identifier),
                groupPublicKey: publicKeyPackage.groupPublicKey, minSigners: t)
            return (kp, pkp)
        } catch .inconsistentKeyPackages {
            for c in sorted {
                guard let delta = received[c.identifier] else { throw .missingPackage(from: c.identifier) }
                guard Ed25519Point.baseMultiplied(by: delta.scalar) == c.evaluate(at: keyPackage.identifier) else {
                    throw .invalidSecretShare(culprit: c.identifier)
                }
            }
            throw .inconsistentKeyPackages
        }
    }
}
