import KoriumCrypto
import KoriumWire
import Testing

@testable import KoriumFROST

/// Seeded random (t, n) configurations with 2 ≤ t ≤ n ≤ 20.
private func configurations(count: Int, seed: UInt64) -> [(t: Int, n: Int)] {
    var rng = SplitMix64(state: seed)
    var out: [(t: Int, n: Int)] = [(2, 2), (2, 3), (20, 20)]
    while out.count < count {
        let n = Int.random(in: 2...20, using: &rng)
        out.append((Int.random(in: 2...n, using: &rng), n))
    }
    return out
}

/// Key packages from a trusted dealer, each checked with vss_verify.
private func dealerKeys(t: Int, n: Int, rng: inout SplitMix64) throws -> ([KeyPackage], PublicKeyPackage) {
    let out = try TrustedDealer.generate(minSigners: t, maxSigners: n, using: &rng)
    return (try out.shares.map { try KeyPackage(verifying: $0) }, out.publicKeyPackage)
}

/// A full DKG among `ids` with threshold t; `tamper` may alter the messages in flight.
private func runDKG(
    ids: [FROSTIdentifier], t: Int, rng: inout SplitMix64,
    tamperRound1: (inout [DKGRound1Package]) throws(FROSTError) -> Void = { _ in },
    tamperRound2: (inout [DKGRound2Package]) -> Void = { _ in }
) throws(FROSTError) -> [(KeyPackage, PublicKeyPackage)] {
    let n = ids.count
    var secrets1: [DKG.Round1Secret] = []
    var round1: [DKGRound1Package] = []
    for id in ids {
        let (s, p) = try DKG.part1(identifier: id, minSigners: t, maxSigners: n, using: &rng)
        secrets1.append(s)
        round1.append(p)
    }
    try tamperRound1(&round1)
    var secrets2: [DKG.Round2Secret] = []
    var round2: [DKGRound2Package] = []
    for s in secrets1 {
        let (s2, packages) = try DKG.part2(secret: s, round1Packages: round1.filter { $0.identifier != s.identifier })
        secrets2.append(s2)
        round2 += packages
    }
    tamperRound2(&round2)
    var out: [(KeyPackage, PublicKeyPackage)] = []
    for s in secrets2 {
        out.append(
            try DKG.part3(
                secret: s, round1Packages: round1.filter { $0.identifier != s.identifier },
                round2Packages: round2.filter { $0.recipient == s.identifier }))
    }
    return out
}

@Suite("FROST properties over random (t, n)")
struct FROSTPropertyTests {
    @Test("any t of n sign (dealer keys); libsodium and OpenSSL accept every signature")
    func anyThresholdSubsetSigns() throws {
        var rng = SplitMix64(state: 0xF0057)
        var checks: [SignatureCheck] = []
        for (t, n) in configurations(count: 24, seed: 1) {
            let (keys, pkp) = try dealerKeys(t: t, n: n, rng: &rng)
            // A random subset of size between t and n.
            let size = Int.random(in: t...n, using: &rng)
            let signers = Array(keys.shuffled(using: &rng).prefix(size))
            let message = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let sig = try signSession(message: message, keyPackages: signers, publicKeyPackage: pkp, using: &rng)
            let check = SignatureCheck(publicKey: pkp.groupPublicKey.bytes, signature: sig.bytes, message: message)
            #expect(verifyWithLibsodium(check), "t=\(t) n=\(n)")
            #expect(FROST.verify(signature: sig, message: message, groupPublicKey: pkp.groupPublicKey))
            checks.append(check)
        }
        #expect(try verifyWithOpenSSL(checks) == Array(repeating: true, count: checks.count))
    }

    @Test("t − 1 real shares (count checks bypassed) give a signature that does not verify")
    func belowThresholdFails() throws {
        var rng = SplitMix64(state: 0xBE10)
        var checks: [SignatureCheck] = []
        for (t, n) in configurations(count: 16, seed: 2) {
            let (keys, pkp) = try dealerKeys(t: t, n: n, rng: &rng)
            let signers = Array(keys.shuffled(using: &rng).prefix(t - 1))
            let message = Array("below threshold \(t)-of-\(n)".utf8)
            let boxes = signers.map { NonceBox(FROST.commit(keyPackage: $0, using: &rng)) }
            let package = try SigningPackage(commitments: boxes.map(\.commitments), message: message)
            // The public API refuses fewer than t signers.
            #expect(throws: FROSTError.wrongParticipantCount(minimum: t, maximum: n, actual: t - 1)) {
                try FROST.aggregate(signingPackage: package, signatureShares: [], publicKeyPackage: pkp)
            }
            var shares: [SignatureShare] = []
            for (kp, box) in zip(signers, boxes) {
                shares.append(try FROST.sign(signingPackage: package, nonces: box.take(), keyPackage: kp, enforceThreshold: false))
            }
            var z = Ed25519Scalar.zero
            for s in shares { z += s.share }
            let context = try SigningContext(package: package, groupPublicKey: pkp.groupPublicKey)
            let sig = try Signature(r: context.groupCommitment, z: z)
            #expect(!FROST.verify(signature: sig, message: message, groupPublicKey: pkp.groupPublicKey))
            let check = SignatureCheck(publicKey: pkp.groupPublicKey.bytes, signature: sig.bytes, message: message)
            #expect(!verifyWithLibsodium(check))
            checks.append(check)
            // The checked aggregation path, with the count check bypassed, refuses it too.
            #expect(throws: FROSTError.self) {
                try FROST.aggregate(signingPackage: package, signatureShares: shares, publicKeyPackage: pkp, enforceThreshold: false)
            }
        }
        #expect(try verifyWithOpenSSL(checks) == Array(repeating: false, count: checks.count))
    }

    @Test("a corrupted signature share is detected and its sender named (RFC 9591 §5.4)")
    func corruptedShareIdentified() throws {
        var rng = SplitMix64(state: 0xC0442)
        for (t, n) in configurations(count: 16, seed: 3) {
            let (keys, pkp) = try dealerKeys(t: t, n: n, rng: &rng)
            let signers = Array(keys.shuffled(using: &rng).prefix(t))
            let message = Array("corrupt".utf8)
            let boxes = signers.map { NonceBox(FROST.commit(keyPackage: $0, using: &rng)) }
            let package = try SigningPackage(commitments: boxes.map(\.commitments), message: message)
            var shares: [SignatureShare] = []
            for (kp, box) in zip(signers, boxes) {
                shares.append(try FROST.sign(signingPackage: package, nonces: box.take(), keyPackage: kp))
            }
            let victim = Int.random(in: 0..<shares.count, using: &rng)
            let culprit = shares[victim].identifier
            shares[victim] = SignatureShare(identifier: culprit, share: shares[victim].share + .one)
            #expect(throws: FROSTError.invalidSignatureShare(culprit: culprit)) {
                try FROST.aggregate(signingPackage: package, signatureShares: shares, publicKeyPackage: pkp)
            }
            for s in shares {
                #expect(try FROST.verifySignatureShare(s, signingPackage: package, publicKeyPackage: pkp) == (s.identifier != culprit))
            }
        }
    }

    @Test("DKG: every participant derives the same group key and group info; t of them sign")
    func dkgAgreement() throws {
        var rng = SplitMix64(state: 0xD6)
        var checks: [SignatureCheck] = []
        for (t, n) in configurations(count: 8, seed: 4) {
            // Identifiers need not be 1…n.
            let ids = try (0..<n).map { i throws(FROSTError) in try FROSTIdentifier(3 * i + 2) }
            let results = try runDKG(ids: ids, t: t, rng: &rng)
            let pkp = results[0].1
            for (kp, p) in results {
                #expect(p == pkp)
                #expect(kp.groupPublicKey == pkp.groupPublicKey)
                #expect(try pkp.verifyingShare(of: kp.identifier) == kp.signingShare.publicPoint)
            }
            // t shares interpolate to the group secret's public key.
            let subset = Array(results.map(\.0).shuffled(using: &rng).prefix(t))
            let secret = try Polynomial.interpolateConstant(subset.map { (x: $0.identifier, y: $0.signingShare.scalar) })
            #expect(Ed25519Point.baseMultiplied(by: secret) == pkp.groupPublicKey)
            let message = Array("dkg \(t)-of-\(n)".utf8)
            let sig = try signSession(message: message, keyPackages: subset, publicKeyPackage: pkp, using: &rng)
            let check = SignatureCheck(publicKey: pkp.groupPublicKey.bytes, signature: sig.bytes, message: message)
            #expect(verifyWithLibsodium(check))
            checks.append(check)
        }
        #expect(try verifyWithOpenSSL(checks) == Array(repeating: true, count: checks.count))
    }

    @Test("DKG: a bad proof of knowledge or an inconsistent share names the cheater; a restart without it succeeds")
    func dkgCheaterIdentified() throws {
        var rng = SplitMix64(state: 0xC4EA7)
        for (t, n) in configurations(count: 6, seed: 5) where n >= 3 && t < n {
            let ids = try (1...n).map { i throws(FROSTError) in try FROSTIdentifier(i) }
            let cheater = ids[Int.random(in: 0..<n, using: &rng)]
            // Bad proof: μ changed.
            #expect(throws: FROSTError.invalidProofOfKnowledge(culprit: cheater)) {
                _ = try runDKG(ids: ids, t: t, rng: &rng, tamperRound1: { (packages) throws(FROSTError) in
                    let i = packages.firstIndex { $0.identifier == cheater }!
                    let p = packages[i]
                    packages[i] = DKGRound1Package(
                        identifier: p.identifier, commitment: p.commitment,
                        proof: ProofOfKnowledge(r: p.proof.r, mu: p.proof.mu + .one))
                })
            }
            // Proof replayed under another identity (the challenge binds the identifier).
            #expect(throws: FROSTError.invalidProofOfKnowledge(culprit: cheater)) {
                _ = try runDKG(ids: ids, t: t, rng: &rng, tamperRound1: { packages in
                    let i = packages.firstIndex { $0.identifier == cheater }!
                    let j = packages.firstIndex { $0.identifier != cheater }!
                    packages[i] = DKGRound1Package(
                        identifier: cheater, commitment: packages[j].commitment, proof: packages[j].proof)
                })
            }
            // Inconsistent share: one share the cheater sends is off by one.
            #expect(throws: FROSTError.invalidSecretShare(culprit: cheater)) {
                _ = try runDKG(ids: ids, t: t, rng: &rng, tamperRound2: { packages in
                    let i = packages.firstIndex { $0.sender == cheater }!
                    let p = packages[i]
                    packages[i] = DKGRound2Package(
                        sender: p.sender, recipient: p.recipient, share: Ed25519SecretScalar(p.share.scalar + .one))
                })
            }
            // Wrong commitment length.
            #expect(throws: FROSTError.invalidCommitmentLength(culprit: cheater)) {
                _ = try runDKG(ids: ids, t: t, rng: &rng, tamperRound1: { (packages) throws(FROSTError) in
                    let i = packages.firstIndex { $0.identifier == cheater }!
                    let p = packages[i]
                    packages[i] = DKGRound1Package(
                        identifier: p.identifier,
                        commitment: try VSSCommitment(coefficients: p.commitment.coefficients + [.generator]),
                        proof: p.proof)
                })
            }
            // Restart without the cheater.
            let rest = ids.filter { $0 != cheater }
            let results = try runDKG(ids: rest, t: t, rng: &rng)
            let pkp = results[0].1
            #expect(results.allSatisfy { $0.1 == pkp })
            let signers = Array(results.map(\.0).prefix(t))
            let sig = try signSession(message: [1, 2, 3], keyPackages: signers, publicKeyPackage: pkp, using: &rng)
            #expect(verifyWithLibsodium(SignatureCheck(publicKey: pkp.groupPublicKey.bytes, signature: sig.bytes, message: [1, 2, 3])))
        }
    }

    @Test("refresh keeps the group key; new shares sign; old and new shares do not combine")
    func refresh() throws {
        var rng = SplitMix64(state: 0x4EF4E54)
        for (t, n) in configurations(count: 8, seed: 6) {
            let (old, pkp) = try dealerKeys(t: t, n: n, rng: &rng)
            var commitments: [RefreshCommitment] = []
            var packages: [DKGRound2Package] = []
            for kp in old {
                let (c, p) = try Refresh.begin(keyPackage: kp, publicKeyPackage: pkp, using: &rng)
                commitments.append(c)
                packages += p
            }
            let refreshed = try old.map { kp in
                try Refresh.finish(
                    keyPackage: kp, publicKeyPackage: pkp, commitments: commitments,
                    shares: packages.filter { $0.recipient == kp.identifier })
            }
            let newPKP = refreshed[0].1
            #expect(newPKP.groupPublicKey == pkp.groupPublicKey)
            #expect(refreshed.allSatisfy { $0.1 == newPKP })
            let fresh = refreshed.map(\.0)
            for (a, b) in zip(old, fresh) { #expect(a.signingShare != b.signingShare) }
            let subset = Array(fresh.shuffled(using: &rng).prefix(t))
            let sig = try signSession(message: [9], keyPackages: subset, publicKeyPackage: newPKP, using: &rng)
            #expect(verifyWithLibsodium(SignatureCheck(publicKey: pkp.groupPublicKey.bytes, signature: sig.bytes, message: [9])))
            // Mixing: one old share with t − 1 new ones no longer interpolates to the secret.
            let mixed = [old[0]] + Array(fresh.dropFirst().prefix(t - 1))
            let s = try Polynomial.interpolateConstant(mixed.map { (x: $0.identifier, y: $0.signingShare.scalar) })
            #expect(Ed25519Point.baseMultiplied(by: s) != pkp.groupPublicKey)
            // …and a signing session mixing them fails, naming the holder of the stale share.
            let boxes = mixed.map { NonceBox(FROST.commit(keyPackage: $0, using: &rng)) }
            let package = try SigningPackage(commitments: boxes.map(\.commitments), message: [7])
            var shares: [SignatureShare] = []
            for (kp, box) in zip(mixed, boxes) {
                shares.append(try FROST.sign(signingPackage: package, nonces: box.take(), keyPackage: kp))
            }
            #expect(throws: FROSTError.invalidSignatureShare(culprit: old[0].identifier)) {
                try FROST.aggregate(signingPackage: package, signatureShares: shares, publicKeyPackage: newPKP)
            }
        }
    }

    @Test("refresh: an inconsistent sub-share names its dealer")
    func refreshCheater() throws {
        var rng = SplitMix64(state: 0x4EF)
        let (old, pkp) = try dealerKeys(t: 3, n: 5, rng: &rng)
        var commitments: [RefreshCommitment] = []
        var packages: [DKGRound2Package] = []
        for kp in old {
            let (c, p) = try Refresh.begin(keyPackage: kp, publicKeyPackage: pkp, using: &rng)
            commitments.append(c)
            packages += p
        }
        let cheater = old[2].identifier
        let i = packages.firstIndex { $0.sender == cheater && $0.recipient == old[0].identifier }!
        packages[i] = DKGRound2Package(
            sender: cheater, recipient: old[0].identifier, share: Ed25519SecretScalar(packages[i].share.scalar + .one))
        #expect(throws: FROSTError.invalidSecretShare(culprit: cheater)) {
            _ = try Refresh.finish(
                keyPackage: old[0], publicKeyPackage: pkp, commitments: commitments,
                shares: packages.filter { $0.recipient == old[0].identifier })
        }
        #expect(throws: FROSTError.invalidCommitmentLength(culprit: cheater)) {
            var bad = commitments
            bad[2] = RefreshCommitment(identifier: cheater, coefficients: bad[2].coefficients + [.generator])
            _ = try Refresh.finish(
                keyPackage: old[1], publicKeyPackage: pkp, commitments: bad,
                shares: packages.filter { $0.recipient == old[1].identifier })
        }
    }
}
