import KoriumCrypto

/// The two-round FROST signing protocol (RFC 9591 §5) for FROST(Ed25519, SHA-512).
///
/// Round one: each signer calls ``commit(keyPackage:using:)`` and sends the commitments to the
/// coordinator, keeping the `~Copyable` nonces. Round two: the coordinator builds a
/// ``SigningPackage``; each signer calls ``sign(signingPackage:nonces:keyPackage:)``, which
/// consumes its nonces. The coordinator calls
/// ``aggregate(signingPackage:signatureShares:publicKeyPackage:)``, which verifies the result
/// and, if it is invalid, names the signer whose share is wrong (RFC 9591 §5.4).
public enum FROST {
    /// RFC 9591 §5.1 `commit`: two nonces from fresh randomness hedged with the signing share
    /// (§4.1 `nonce_generate`), and their commitments.
    public static func commit(
        keyPackage: KeyPackage, using generator: inout some RandomNumberGenerator
    ) -> SigningNonces {
        var hidingRandom = [UInt8](repeating: 0, count: 32)
        var bindingRandom = [UInt8](repeating: 0, count: 32)
        fill(&hidingRandom, from: &generator)
        fill(&bindingRandom, from: &generator)
        return commit(
            signingShare: keyPackage.signingShare, identifier: keyPackage.identifier,
            hidingRandomness: hidingRandom, bindingRandomness: bindingRandom)
    }

    /// ``commit(keyPackage:using:)`` with the system CSPRNG.
    public static func commit(keyPackage: KeyPackage) -> SigningNonces {
        var rng = SystemRandomNumberGenerator()
        return commit(keyPackage: keyPackage, using: &rng)
    }

    /// `commit` with the 32-byte random inputs of `nonce_generate` given (RFC 9591 test vectors).
    package static func commit(
        signingShare: Ed25519SecretScalar, identifier: FROSTIdentifier,
        hidingRandomness: [UInt8], bindingRandomness: [UInt8]
    ) -> SigningNonces {
        var hiding = SigningNonces.generateNonce(randomness: hidingRandomness, secret: signingShare)
        var binding = SigningNonces.generateNonce(randomness: bindingRandomness, secret: signingShare)
        // A zero nonce would give an identity commitment; H3 outputs it with probability 2^-252,
        // and the retry keeps `commit` total.
        while hiding.scalar.isZero { hiding = .random() }
        while binding.scalar.isZero { binding = .random() }
        // Non-zero nonces give non-identity commitments, so this initializer cannot throw.
        guard let nonces = try? SigningNonces(hiding: hiding, binding: binding, identifier: identifier) else {
            preconditionFailure("non-zero nonce produced an identity commitment")
        }
        return nonces
    }

    /// RFC 9591 §5.2 `sign`: this signer's share z_i = d + e·ρ_i + λ_i·s_i·c. Consumes the
    /// nonces, so they cannot be used twice.
    ///
    /// - Throws: `FROSTError.ownCommitmentMismatch` if the package lacks this signer's
    ///   commitments or carries different ones (§5.2 MUST); `.wrongParticipantCount` if fewer
    ///   than the threshold sign; `.identityElement` if the group commitment is the identity.
    public static func sign(
        signingPackage: SigningPackage, nonces: consuming SigningNonces, keyPackage: KeyPackage
    ) throws(FROSTError) -> SignatureShare {
        try sign(signingPackage: signingPackage, nonces: nonces, keyPackage: keyPackage, enforceThreshold: true)
    }

    static func sign(
        signingPackage: SigningPackage, nonces: consuming SigningNonces, keyPackage: KeyPackage,
        enforceThreshold: Bool
    ) throws(FROSTError) -> SignatureShare {
        let id = keyPackage.identifier
        guard nonces.commitments.identifier == id,
            let own = try? signingPackage.commitments(of: id), own == nonces.commitments
        else { throw .ownCommitmentMismatch }
        let n = signingPackage.commitments.count
        if enforceThreshold, n < keyPackage.minSigners {
            throw .wrongParticipantCount(minimum: keyPackage.minSigners, maximum: FROSTLimits.maxParticipants, actual: n)
        }
        let context = try SigningContext(package: signingPackage, groupPublicKey: keyPackage.groupPublicKey)
        let rho = try context.bindingFactor(of: id)
        let lambda = try Polynomial.lagrangeCoefficient(for: id, in: signingPackage.identifiers)
        let share = nonces.hiding.scalar + nonces.binding.scalar * rho
            + lambda * keyPackage.signingShare.scalar * context.challenge
        return SignatureShare(identifier: id, share: share)
    }

    /// RFC 9591 §5.4 `verify_signature_share`: z_i·B == D_i + ρ_i·E_i + (c·λ_i)·Y_i.
    ///
    /// - Throws: `FROSTError.unknownIdentifier` if the signer is not in the package or group.
    public static func verifySignatureShare(
        _ share: SignatureShare, signingPackage: SigningPackage, publicKeyPackage: PublicKeyPackage
    ) throws(FROSTError) -> Bool {
        let context = try SigningContext(package: signingPackage, groupPublicKey: publicKeyPackage.groupPublicKey)
        return try context.verify(share, publicKeyPackage: publicKeyPackage, identifiers: signingPackage.identifiers)
    }

    /// RFC 9591 §5.3 `aggregate`, then verification under the group key (which the RFC says
    /// the coordinator SHOULD do); on failure every share is checked (§5.4) and the first bad
    /// signer is named.
    ///
    /// - Throws: `.sharesDoNotMatchCommitments` unless the shares come from exactly the
    ///   package's signers; `.wrongParticipantCount` outside minSigners...maxSigners;
    ///   `.unknownIdentifier` for a signer outside the group; `.invalidSignatureShare(culprit:)`
    ///   naming a misbehaving signer; `.identityElement` for an identity group commitment.
    public static func aggregate(
        signingPackage: SigningPackage, signatureShares: [SignatureShare], publicKeyPackage: PublicKeyPackage
    ) throws(FROSTError) -> Signature {
        try aggregate(
            signingPackage: signingPackage, signatureShares: signatureShares, publicKeyPackage: publicKeyPackage,
            enforceThreshold: true)
    }

    static func aggregate(
        signingPackage: SigningPackage, signatureShares: [SignatureShare], publicKeyPackage: PublicKeyPackage,
        enforceThreshold: Bool
    ) throws(FROSTError) -> Signature {
        let ids = signingPackage.identifiers
        let n = ids.count
        if enforceThreshold, n < publicKeyPackage.minSigners || n > publicKeyPackage.maxSigners {
            throw .wrongParticipantCount(
                minimum: publicKeyPackage.minSigners, maximum: publicKeyPackage.maxSigners, actual: n)
        }
        for id in ids { _ = try publicKeyPackage.verifyingShare(of: id) }
        let sorted = signatureShares.sorted { $0.identifier < $1.identifier }
        guard sorted.map(\.identifier) == ids else { throw .sharesDoNotMatchCommitments }

        let context = try SigningContext(package: signingPackage, groupPublicKey: publicKeyPackage.groupPublicKey)
        var z = Ed25519Scalar.zero
        for s in sorted { z += s.share }
        let signature = try Signature(r: context.groupCommitment, z: z)
        if verify(signature: signature, message: signingPackage.message, groupPublicKey: publicKeyPackage.groupPublicKey) {
            return signature
        }
        // RFC 9591 §5.4 identifiable abort.
        for s in sorted where !(try context.verify(s, publicKeyPackage: publicKeyPackage, identifiers: ids)) {
            throw .invalidSignatureShare(culprit: s.identifier)
        }
        throw .invalidSignature
    }

    /// RFC 9591 §6.1 verification (RFC 8032 §5.1.7 with the cofactored equation
    /// [8][z]B = [8]R + [8][c]PK). Both points are prime-order-subgroup elements here, so the
    /// cofactor-free check z·B = R + c·PK is equivalent.
    public static func verify(signature: Signature, message: [UInt8], groupPublicKey: Ed25519Point) -> Bool {
        let c = FROSTCiphersuite.h2(signature.r.bytes, groupPublicKey.bytes, message)
        return Ed25519Point.baseMultiplied(by: signature.z) == signature.r + groupPublicKey.multiplied(by: c)
    }

    private static func fill(_ bytes: inout [UInt8], from generator: inout some RandomNumberGenerator) {
        for i in stride(from: 0, to: bytes.count, by: 8) {
            let word = generator.next()
            for j in 0..<Swift.min(8, bytes.count - i) { bytes[i + j] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(j))) }
        }
    }
}

/// The per-message values every signer and the coordinator derive from a signing package:
/// binding factors (RFC 9591 §4.4), group commitment (§4.5) and challenge (§4.6).
package struct SigningContext {
    let package: SigningPackage
    let groupPublicKey: Ed25519Point
    /// ρ_i per signer, in the package's order.
    let bindingFactors: [(identifier: FROSTIdentifier, factor: Ed25519Scalar)]
    /// R = Σ D_i + ρ_i·E_i.
    package let groupCommitment: Ed25519Point
    /// c = H2(R || PK || msg).
    let challenge: Ed25519Scalar

    package init(package: SigningPackage, groupPublicKey: Ed25519Point) throws(FROSTError) {
        self.package = package
        self.groupPublicKey = groupPublicKey
        let factors = Self.bindingFactors(groupPublicKey: groupPublicKey, package: package)
        bindingFactors = factors
        // RFC 9591 §4.5 compute_group_commitment.
        var r = Ed25519Point.identity
        for (c, f) in zip(package.commitments, factors) {
            r += c.hiding + c.binding.multiplied(by: f.factor)
        }
        // RFC 9591 §6.1 SerializeElement refuses the identity.
        guard !r.isIdentity else { throw .identityElement }
        groupCommitment = r
        // RFC 9591 §4.6 compute_challenge.
        challenge = FROSTCiphersuite.h2(r.bytes, groupPublicKey.bytes, package.message)
    }

    /// RFC 9591 §4.4 `compute_binding_factors`.
    static func bindingFactors(
        groupPublicKey: Ed25519Point, package: SigningPackage
    ) -> [(identifier: FROSTIdentifier, factor: Ed25519Scalar)] {
        let prefix = bindingFactorInputPrefix(groupPublicKey: groupPublicKey, package: package)
        return package.commitments.map { c in
            (c.identifier, FROSTCiphersuite.h1(prefix, c.identifier.scalar.bytes))
        }
    }

    /// group_public_key_enc || H4(msg) || H5(encode_group_commitment_list(commitment_list)).
    package static func bindingFactorInputPrefix(groupPublicKey: Ed25519Point, package: SigningPackage) -> [UInt8] {
        groupPublicKey.bytes + FROSTCiphersuite.h4(package.message) + FROSTCiphersuite.h5(package.encodedCommitmentList)
    }

    /// RFC 9591 §4.3 `binding_factor_for_participant`.
    package func bindingFactor(of identifier: FROSTIdentifier) throws(FROSTError) -> Ed25519Scalar {
        guard let f = bindingFactors.first(where: { $0.identifier == identifier }) else {
            throw .unknownIdentifier(identifier)
        }
        return f.factor
    }

    /// RFC 9591 §5.4 `verify_signature_share` with this context's precomputed values.
    func verify(
        _ share: SignatureShare, publicKeyPackage: PublicKeyPackage, identifiers: [FROSTIdentifier]
    ) throws(FROSTError) -> Bool {
        let id = share.identifier
        let comm = try package.commitments(of: id)
        let publicKey = try publicKeyPackage.verifyingShare(of: id)
        let rho = try bindingFactor(of: id)
        let commShare = comm.hiding + comm.binding.multiplied(by: rho)
        let lambda = try Polynomial.lagrangeCoefficient(for: id, in: identifiers)
        let l = Ed25519Point.baseMultiplied(by: share.share)
        let r = commShare + publicKey.multiplied(by: challenge * lambda)
        return l == r
    }
}
