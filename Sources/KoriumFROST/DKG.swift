import KoriumCrypto

/// Pedersen distributed key generation with proofs of knowledge, as in FROST (Komlo–Goldberg
/// 2020, Figure 1): no dealer ever holds the group secret.
///
/// Each participant runs, with the same (t, n):
/// 1. ``part1(identifier:minSigners:maxSigners:using:)``: broadcast the returned
///    ``DKGRound1Package``, keep the ``DKGRound1Secret``.
/// 2. ``part2(secret:round1Packages:)`` with the n − 1 other round-one packages: checks every
///    proof of knowledge, then send each returned ``DKGRound2Package`` privately to its recipient.
/// 3. ``part3(secret:round1Packages:round2Packages:)`` with the n − 1 received shares: checks
///    each against its sender's commitment and outputs the key package and group info.
///
/// Any failed check throws an error naming the culprit; the ceremony aborts and is restarted
/// without it.
public enum DKG {
    /// What a participant keeps between round one and round two (secret).
    public struct Round1Secret: Sendable {
        /// This participant.
        public let identifier: FROSTIdentifier
        /// a_i0 … a_i(t−1), in zeroizing storage.
        let coefficients: [Ed25519SecretScalar]
        /// This participant's own round-one package.
        public let package: DKGRound1Package
        /// t.
        public let minSigners: Int
        /// n.
        public let maxSigners: Int
    }

    /// What a participant keeps between round two and the end (secret).
    public struct Round2Secret: Sendable {
        /// This participant.
        public let identifier: FROSTIdentifier
        /// f_i(i), its share of its own polynomial.
        let ownShare: Ed25519SecretScalar
        /// Its own commitment.
        let commitment: VSSCommitment
        /// t.
        public let minSigners: Int
        /// n.
        public let maxSigners: Int
    }

    /// Round one (Fig. 1, round 1 steps 1–4): a random degree-(t−1) polynomial, its Feldman
    /// commitment and a proof of knowledge of its constant term.
    ///
    /// - Throws: `FROSTError.invalidParameters` unless 2 ≤ t ≤ n ≤ maxParticipants.
    public static func part1(
        identifier: FROSTIdentifier, minSigners: Int, maxSigners: Int,
        using generator: inout some RandomNumberGenerator
    ) throws(FROSTError) -> (Round1Secret, DKGRound1Package) {
        try TrustedDealer.checkParameters(minSigners: minSigners, maxSigners: maxSigners)
        let coefficients = Polynomial.randomCoefficients(count: minSigners, using: &generator)
        let commitment = VSSCommitment(committingTo: coefficients)
        guard !commitment.coefficients.contains(where: \.isIdentity) else { throw .identityElement }
        var k = Ed25519Scalar.zero
        while k.isZero { k = .random(using: &generator) }
        let r = Ed25519Point.baseMultiplied(by: k)
        let c = challenge(identifier: identifier, publicKey: commitment.publicKey, r: r)
        let proof = ProofOfKnowledge(r: r, mu: k + coefficients[0] * c)
        let package = DKGRound1Package(identifier: identifier, commitment: commitment, proof: proof)
        let secret = Round1Secret(
            identifier: identifier, coefficients: coefficients.map { Ed25519SecretScalar($0) }, package: package,
            minSigners: minSigners, maxSigners: maxSigners)
        return (secret, package)
    }

    /// ``part1(identifier:minSigners:maxSigners:using:)`` with the system CSPRNG.
    public static func part1(
        identifier: FROSTIdentifier, minSigners: Int, maxSigners: Int
    ) throws(FROSTError) -> (Round1Secret, DKGRound1Package) {
        var rng = SystemRandomNumberGenerator()
        return try part1(identifier: identifier, minSigners: minSigners, maxSigners: maxSigners, using: &rng)
    }

    /// Round one step 5 and round two step 1: verify every other participant's commitment
    /// length and proof of knowledge, then evaluate our polynomial for each of them.
    ///
    /// - Throws: `.invalidProofOfKnowledge(culprit:)` or `.invalidCommitmentLength(culprit:)`
    ///   naming the sender; `.wrongParticipantCount`, `.duplicateIdentifier` if the packages are
    ///   not exactly the n − 1 others.
    public static func part2(
        secret: Round1Secret, round1Packages: [DKGRound1Package]
    ) throws(FROSTError) -> (Round2Secret, [DKGRound2Package]) {
        let others = try checkOthers(round1Packages, secret.identifier, secret.minSigners, secret.maxSigners)
        for p in others {
            // Fig. 1 round 1 step 5: R_ℓ ?= μ_ℓ·B − c_ℓ·φ_ℓ0.
            let c = challenge(identifier: p.identifier, publicKey: p.commitment.publicKey, r: p.proof.r)
            let expected = Ed25519Point.baseMultiplied(by: p.proof.mu) - p.commitment.publicKey.multiplied(by: c)
            guard expected == p.proof.r else { throw .invalidProofOfKnowledge(culprit: p.identifier) }
        }
        let coefficients = secret.coefficients.map(\.scalar)
        var packages: [DKGRound2Package] = []
        packages.reserveCapacity(others.count)
        for p in others {
            let y = Polynomial.evaluate(coefficients, at: p.identifier.scalar)
            packages.append(DKGRound2Package(sender: secret.identifier, recipient: p.identifier, share: Ed25519SecretScalar(y)))
        }
        let own = Ed25519SecretScalar(Polynomial.evaluate(coefficients, at: secret.identifier.scalar))
        let r2 = Round2Secret(
            identifier: secret.identifier, ownShare: own, commitment: secret.package.commitment,
            minSigners: secret.minSigners, maxSigners: secret.maxSigners)
        return (r2, packages)
    }

    /// Round two steps 2–4: check each received share against its sender's commitment
    /// (f_ℓ(i)·B ?= Σ_k φ_ℓk·i^k), sum them into s_i, and derive the group key Σ φ_ℓ0 and every
    /// participant's verifying share.
    ///
    /// - Throws: `.invalidSecretShare(culprit:)` naming the sender of a bad share;
    ///   `.missingPackage(from:)`, `.misaddressedPackage(from:)` for an incomplete or wrong set.
    public static func part3(
        secret: Round2Secret, round1Packages: [DKGRound1Package], round2Packages: [DKGRound2Package]
    ) throws(FROSTError) -> (KeyPackage, PublicKeyPackage) {
        let others = try checkOthers(round1Packages, secret.identifier, secret.minSigners, secret.maxSigners)
        let commitments = others.map { ($0.identifier, $0.commitment) } + [(secret.identifier, secret.commitment)]
        let received = try collectShares(round2Packages, for: secret.identifier, from: others.map(\.identifier))
        var s = secret.ownShare.scalar
        for p in others {
            guard let share = received[p.identifier] else { throw .missingPackage(from: p.identifier) }
            s += share.scalar
        }
        // Batch check first: assembling the key package verifies s_i·B = Σ_ℓ C_ℓ(i), one
        // evaluation of the summed commitment instead of n − 1. Only if that fails is each share
        // checked on its own (f_ℓ(i)·B ?= C_ℓ(i), Fig. 1 round 2 step 2) to name the sender.
        // Errors that cancel out leave s_i consistent with the group's commitments.
        do throws(FROSTError) {
            return try assemble(
                identifier: secret.identifier, signingShare: Ed25519SecretScalar(s), commitments: commitments.map(\.1),
                identifiers: commitments.map(\.0), minSigners: secret.minSigners)
        } catch .inconsistentKeyPackages {
            for p in others {
                guard let share = received[p.identifier] else { throw .missingPackage(from: p.identifier) }
                guard p.commitment.verify(share: share.scalar, for: secret.identifier) else {
                    throw .invalidSecretShare(culprit: p.identifier)
                }
            }
            throw .inconsistentKeyPackages
        }
    }

    /// HDKG(SerializeScalar(i) || SerializeElement(φ_i0) || SerializeElement(R_i)).
    static func challenge(identifier: FROSTIdentifier, publicKey: Ed25519Point, r: Ed25519Point) -> Ed25519Scalar {
        FROSTCiphersuite.hdkg(identifier.scalar.bytes, publicKey.bytes, r.bytes)
    }

    /// Checks that `packages` are exactly n − 1 packages from distinct other participants with
    /// commitments of length t; returns them sorted.
    static func checkOthers(
        _ packages: [DKGRound1Package], _ me: FROSTIdentifier, _ t: Int, _ n: Int
    ) throws(FROSTError) -> [DKGRound1Package] {
        guard packages.count == n - 1 else {
            throw .wrongParticipantCount(minimum: n - 1, maximum: n - 1, actual: packages.count)
        }
        let sorted = packages.sorted { $0.identifier < $1.identifier }
        for (i, p) in sorted.enumerated() {
            if p.identifier == me { throw .duplicateIdentifier(me) }
            if i > 0, sorted[i - 1].identifier == p.identifier { throw .duplicateIdentifier(p.identifier) }
            guard p.commitment.threshold == t else { throw .invalidCommitmentLength(culprit: p.identifier) }
        }
        return sorted
    }

    /// Maps round-two packages addressed to `me` by sender; rejects strangers and repeats.
    static func collectShares(
        _ packages: [DKGRound2Package], for me: FROSTIdentifier, from senders: [FROSTIdentifier]
    ) throws(FROSTError) -> [FROSTIdentifier: Ed25519SecretScalar] {
        let allowed = Set(senders)
        var out: [FROSTIdentifier: Ed25519SecretScalar] = [:]
        for p in packages {
            guard p.recipient == me else { throw .misaddressedPackage(from: p.sender) }
            guard allowed.contains(p.sender) else { throw .unknownIdentifier(p.sender) }
            guard out.updateValue(p.share, forKey: p.sender) == nil else { throw .duplicateIdentifier(p.sender) }
        }
        return out
    }

    /// Group key Σ C_ℓ[0] and verifying shares Σ_ℓ C_ℓ(j), by summing the commitments
    /// coefficient-wise first (one polynomial evaluation per participant instead of n).
    static func assemble(
        identifier: FROSTIdentifier, signingShare: Ed25519SecretScalar, commitments: [VSSCommitment],
        identifiers: [FROSTIdentifier], minSigners: Int
    ) throws(FROSTError) -> (KeyPackage, PublicKeyPackage) {
        var summed = [Ed25519Point](repeating: .identity, count: minSigners)
        for c in commitments {
            for k in 0..<minSigners { summed[k] += c.coefficients[k] }
        }
        let groupKey = summed[0]
        guard !groupKey.isIdentity else { throw .identityElement }
        var verifying: [(identifier: FROSTIdentifier, share: Ed25519Point)] = []
        for id in identifiers { verifying.append((id, Polynomial.evaluate(summed, at: id.scalar))) }
        let pkp = try PublicKeyPackage(groupPublicKey: groupKey, verifyingShares: verifying, minSigners: minSigners)
        let kp = try KeyPackage(
            identifier: identifier, signingShare: signingShare, verifyingShare: try pkp.verifyingShare(of: identifier),
            groupPublicKey: groupKey, minSigners: minSigners)
        return (kp, pkp)
    }
}
