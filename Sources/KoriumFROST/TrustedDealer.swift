import KoriumCrypto
import KoriumWire

/// One participant's share from a trusted dealer, with the dealer's VSS commitment: what the
/// dealer sends each participant over a confidential, authenticated channel (RFC 9591
/// Appendix C). The participant checks it with ``KeyPackage/init(verifying:)``.
public struct SecretShare: Sendable, Equatable, WireCodable {
    /// Format version of the encoding.
    static let version: UInt8 = 1

    /// The receiving participant.
    public let identifier: FROSTIdentifier
    /// f(identifier), secret.
    public let signingShare: Ed25519SecretScalar
    /// The dealer's commitment to f.
    public let commitment: VSSCommitment

    /// A share with its commitment (not yet verified; see ``KeyPackage/init(verifying:)``).
    public init(identifier: FROSTIdentifier, signingShare: Ed25519SecretScalar, commitment: VSSCommitment) {
        self.identifier = identifier
        self.signingShare = signingShare
        self.commitment = commitment
    }

    /// version(1) identifier(32) share(32) commitment.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeUInt8(Self.version)
            try identifier.encode(to: &w)
            try w.writeSecretScalar(signingShare)
            try commitment.encode(to: &w)
        }
    }

    /// Decodes the fields; the VSS check is ``KeyPackage/init(verifying:)``'s job.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            try r.expectVersion(Self.version)
            let id = try FROSTIdentifier(from: &r)
            let share = try r.readSecretScalar()
            let commitment = try VSSCommitment(from: &r)
            guard commitment.threshold >= 2 else { throw .invalid("threshold below 2") }
            return SecretShare(identifier: id, signingShare: share, commitment: commitment)
        }
    }
}

extension KeyPackage {
    /// RFC 9591 Appendix C.2: a participant turns its dealt share into a key package after
    /// `vss_verify(share, commitment)` (abort if it fails).
    ///
    /// - Throws: `FROSTError.invalidDealerShare` if the share is not on the committed
    ///   polynomial; `FROSTError.invalidParameters` for a threshold below 2.
    public init(verifying share: SecretShare) throws(FROSTError) {
        let s = share.signingShare.scalar
        guard share.commitment.verify(share: s, for: share.identifier) else { throw .invalidDealerShare }
        try self.init(
            identifier: share.identifier, signingShare: share.signingShare,
            verifyingShare: Ed25519Point.baseMultiplied(by: s), groupPublicKey: share.commitment.publicKey,
            minSigners: share.commitment.threshold)
    }
}

/// Trusted-dealer key generation with Feldman VSS (RFC 9591 Appendix C).
public enum TrustedDealer {
    /// The dealer's output: one share per participant, the public group info, the commitment.
    public struct Output: Sendable {
        /// One share for each participant 1...maxSigners (send each to its owner).
        public let shares: [SecretShare]
        /// Group public key and verifying shares (RFC 9591 Appendix C.2 `derive_group_info`).
        public let publicKeyPackage: PublicKeyPackage
        /// The VSS commitment (also inside every share).
        public let commitment: VSSCommitment
    }

    /// RFC 9591 Appendix C `trusted_dealer_keygen`: splits `secret` (random if `nil`) into
    /// `maxSigners` shares with threshold `minSigners`, identifiers 1...maxSigners.
    ///
    /// - Throws: `FROSTError.invalidParameters` unless 2 ≤ minSigners ≤ maxSigners ≤ maxParticipants.
    public static func generate(
        secret: Ed25519SecretScalar? = nil, minSigners: Int, maxSigners: Int,
        using generator: inout some RandomNumberGenerator
    ) throws(FROSTError) -> Output {
        try checkParameters(minSigners: minSigners, maxSigners: maxSigners)
        let s = secret ?? Ed25519SecretScalar(Polynomial.randomCoefficients(count: 1, using: &generator)[0])
        let coefficients = Polynomial.randomCoefficients(count: minSigners - 1, using: &generator)
        return try split(secret: s.scalar, coefficients: coefficients, maxSigners: maxSigners)
    }

    /// ``generate(secret:minSigners:maxSigners:using:)`` with the system CSPRNG.
    public static func generate(
        secret: Ed25519SecretScalar? = nil, minSigners: Int, maxSigners: Int
    ) throws(FROSTError) -> Output {
        var rng = SystemRandomNumberGenerator()
        return try generate(secret: secret, minSigners: minSigners, maxSigners: maxSigners, using: &rng)
    }

    /// RFC 9591 Appendix C.1 `secret_share_shard` + Appendix C.2 `vss_commit` with given
    /// coefficients (the RFC test vectors fix them).
    package static func split(
        secret: Ed25519Scalar, coefficients: [Ed25519Scalar], maxSigners: Int
    ) throws(FROSTError) -> Output {
        let minSigners = coefficients.count + 1
        try checkParameters(minSigners: minSigners, maxSigners: maxSigners)
        let poly = [secret] + coefficients
        let commitment = VSSCommitment(committingTo: poly)
        guard !commitment.coefficients.contains(where: \.isIdentity) else { throw .identityElement }
        var shares: [SecretShare] = []
        var verifying: [(identifier: FROSTIdentifier, share: Ed25519Point)] = []
        for i in 1...maxSigners {
            let id = try FROSTIdentifier(i)
            let y = Polynomial.evaluate(poly, at: id.scalar)
            shares.append(SecretShare(identifier: id, signingShare: Ed25519SecretScalar(y), commitment: commitment))
            // RFC 9591 Appendix C.2 derive_group_info: public_key_i from the commitment.
            verifying.append((id, commitment.evaluate(at: id)))
        }
        let pkp = try PublicKeyPackage(
            groupPublicKey: commitment.publicKey, verifyingShares: verifying, minSigners: minSigners)
        return Output(shares: shares, publicKeyPackage: pkp, commitment: commitment)
    }

    static func checkParameters(minSigners: Int, maxSigners: Int) throws(FROSTError) {
        guard minSigners >= 2, minSigners <= maxSigners, maxSigners <= FROSTLimits.maxParticipants else {
            throw .invalidParameters(minSigners: minSigners, maxSigners: maxSigners)
        }
    }
}
