import KoriumCrypto
import KoriumWire
import Testing

@testable import KoriumFROST

/// A 3-of-4 dealer setup, one signing session, one DKG round — a value of every type.
struct Fixture {
    let keys: [KeyPackage]
    let pkp: PublicKeyPackage
    let share: SecretShare
    let package: SigningPackage
    let signatureShare: SignatureShare
    let signature: Signature
    let nonceBytes: [UInt8]
    let round1: DKGRound1Package
    let round2: DKGRound2Package
    let refresh: RefreshCommitment

    init() throws {
        var rng = SplitMix64(state: 42)
        let dealt = try TrustedDealer.generate(minSigners: 3, maxSigners: 4, using: &rng)
        keys = try dealt.shares.map { try KeyPackage(verifying: $0) }
        pkp = dealt.publicKeyPackage
        share = dealt.shares[0]
        let signers = Array(keys.prefix(3))
        let spare = FROST.commit(keyPackage: keys[0], using: &rng)
        nonceBytes = try spare.wireBytes()
        let boxes = signers.map { NonceBox(FROST.commit(keyPackage: $0, using: &rng)) }
        package = try SigningPackage(commitments: boxes.map(\.commitments), message: Array("hello".utf8))
        var shares: [SignatureShare] = []
        for (kp, box) in zip(signers, boxes) {
            shares.append(try FROST.sign(signingPackage: package, nonces: box.take(), keyPackage: kp))
        }
        signatureShare = shares[0]
        signature = try FROST.aggregate(signingPackage: package, signatureShares: shares, publicKeyPackage: pkp)
        let id1 = try FROSTIdentifier(1)
        let (secret1, r1) = try DKG.part1(identifier: id1, minSigners: 2, maxSigners: 2, using: &rng)
        let (_, r1b) = try DKG.part1(identifier: try FROSTIdentifier(2), minSigners: 2, maxSigners: 2, using: &rng)
        round1 = r1
        round2 = try DKG.part2(secret: secret1, round1Packages: [r1b]).1[0]
        refresh = try Refresh.begin(keyPackage: keys[0], publicKeyPackage: pkp, using: &rng).0
    }

    /// (name, encoding, decoder that re-encodes) for every type.
    func all() throws -> [(String, [UInt8], ([UInt8]) throws(WireError) -> [UInt8])] {
        [
            ("identifier", try keys[1].identifier.wireBytes(), { (b) throws(WireError) in try FROSTIdentifier(wireBytes: b).wireBytes() }),
            ("key package", try keys[0].wireBytes(), { (b) throws(WireError) in try KeyPackage(wireBytes: b).wireBytes() }),
            ("public key package", try pkp.wireBytes(), { (b) throws(WireError) in try PublicKeyPackage(wireBytes: b).wireBytes() }),
            ("secret share", try share.wireBytes(), { (b) throws(WireError) in try SecretShare(wireBytes: b).wireBytes() }),
            ("VSS commitment", try share.commitment.wireBytes(), { (b) throws(WireError) in try VSSCommitment(wireBytes: b).wireBytes() }),
            ("commitments", try package.commitments[0].wireBytes(), { (b) throws(WireError) in try SigningCommitments(wireBytes: b).wireBytes() }),
            ("signing package", try package.wireBytes(), { (b) throws(WireError) in try SigningPackage(wireBytes: b).wireBytes() }),
            ("signature share", try signatureShare.wireBytes(), { (b) throws(WireError) in try SignatureShare(wireBytes: b).wireBytes() }),
            ("signature", try signature.wireBytes(), { (b) throws(WireError) in try Signature(wireBytes: b).wireBytes() }),
            ("nonces", nonceBytes, { (b) throws(WireError) in try SigningNonces(wireBytes: b).wireBytes() }),
            ("DKG round 1", try round1.wireBytes(), { (b) throws(WireError) in try DKGRound1Package(wireBytes: b).wireBytes() }),
            ("DKG round 2", try round2.wireBytes(), { (b) throws(WireError) in try DKGRound2Package(wireBytes: b).wireBytes() }),
            ("refresh commitment", try refresh.wireBytes(), { (b) throws(WireError) in try RefreshCommitment(wireBytes: b).wireBytes() }),
        ]
    }
}

/// Every FROST type round-trips through KoriumWire, and malformed bytes give a typed error.
@Suite("FROST encodings")
struct FROSTEncodingTests {
    @Test("every type round-trips byte for byte; every truncation and a trailing byte are typed errors")
    func roundTripsAndTruncations() throws {
        let f = try Fixture()
        for (name, bytes, reencode) in try f.all() {
            #expect(try reencode(bytes) == bytes, "\(name)")
            for cut in 0..<bytes.count {
                #expect(throws: WireError.self, "\(name) cut at \(cut)") { try reencode(Array(bytes.prefix(cut))) }
            }
            #expect(throws: WireError.trailingBytes(count: 1), "\(name)") { try reencode(bytes + [0]) }
        }
    }

    @Test("single-byte corruptions never trap: they decode to a valid value or throw WireError")
    func corruptions() throws {
        let f = try Fixture()
        var rng = SplitMix64(state: 7)
        for (_, bytes, reencode) in try f.all() {
            for _ in 0..<64 {
                var b = bytes
                b[Int.random(in: 0..<b.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
                do throws(WireError) {
                    let again = try reencode(b)
                    #expect(again == b)  // whatever decodes re-encodes identically (one encoding per value)
                } catch {}
            }
        }
    }

    @Test("field validation: identity, zero identifier, non-canonical scalar, unsorted list, mismatched key package")
    func semanticRejections() throws {
        let f = try Fixture()
        let identity = Ed25519Point.identity.bytes
        // Identifier 0.
        #expect(throws: WireError.invalid("zero identifier")) { try FROSTIdentifier(wireBytes: [UInt8](repeating: 0, count: 32)) }
        // Signature share with z = L (non-canonical).
        let order = hexBytes("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
        #expect(throws: WireError.invalid("non-canonical scalar")) {
            try SignatureShare(wireBytes: f.keys[0].identifier.wireBytes() + order)
        }
        // Commitments with an identity hiding point.
        let c = f.package.commitments[0]
        #expect(throws: WireError.invalid("invalid group element")) {
            try SigningCommitments(wireBytes: c.identifier.wireBytes() + identity + c.binding.bytes)
        }
        // Signing package with commitments out of order.
        var w = ByteWriter()
        try w.writeUInt8(1)
        try w.writeVarInt(VarInt(2))
        try f.package.commitments[1].encode(to: &w)
        try f.package.commitments[0].encode(to: &w)
        try w.writeLengthPrefixedBytes([UInt8]())
        #expect(throws: WireError.invalid("commitments not strictly ascending")) { try SigningPackage(wireBytes: w.bytes) }
        // Key package whose verifying share does not match its signing share.
        var kp = try f.keys[0].wireBytes()
        let other = f.keys[1].verifyingShare.bytes
        kp.replaceSubrange(65..<97, with: other)
        #expect(throws: WireError.invalid("inconsistent key package")) { try KeyPackage(wireBytes: kp) }
        // Unknown version.
        var pk = try f.pkp.wireBytes()
        pk[0] = 2
        #expect(throws: WireError.invalid("unknown format version")) { try PublicKeyPackage(wireBytes: pk) }
        // Over-long list count.
        #expect(throws: WireError.lengthExceedsLimit(length: 5000, limit: FROSTLimits.maxParticipants)) {
            var w = ByteWriter()
            try w.writeVarInt(VarInt(5000))
            _ = try VSSCommitment(wireBytes: w.bytes)
        }
    }

    @Test("API misuse gives typed errors")
    func misuse() throws {
        let f = try Fixture()
        var rng = SplitMix64(state: 99)
        #expect(throws: FROSTError.invalidParameters(minSigners: 1, maxSigners: 3)) {
            try TrustedDealer.generate(minSigners: 1, maxSigners: 3, using: &rng)
        }
        #expect(throws: FROSTError.invalidParameters(minSigners: 4, maxSigners: 3)) {
            try TrustedDealer.generate(minSigners: 4, maxSigners: 3, using: &rng)
        }
        #expect(throws: FROSTError.invalidIdentifier) { try FROSTIdentifier(0) }
        #expect(throws: FROSTError.invalidIdentifier) { try FROSTIdentifier(scalar: .zero) }
        let c = f.package.commitments[0]
        #expect(throws: FROSTError.duplicateIdentifier(c.identifier)) { try SigningPackage(commitments: [c, c], message: []) }
        // A signer whose nonces are not in the package.
        let n = FROST.commit(keyPackage: f.keys[3], using: &rng)
        do {
            _ = try FROST.sign(signingPackage: f.package, nonces: n, keyPackage: f.keys[3])
            Issue.record("signing with nonces outside the package succeeded")
        } catch {
            #expect(error == .ownCommitmentMismatch)
        }
        // Shares from a different set than the commitments.
        #expect(throws: FROSTError.sharesDoNotMatchCommitments) {
            try FROST.aggregate(signingPackage: f.package, signatureShares: [f.signatureShare], publicKeyPackage: f.pkp)
        }
        // A dealt share that is not on the committed polynomial.
        let bad = SecretShare(
            identifier: f.share.identifier, signingShare: Ed25519SecretScalar(f.share.signingShare.scalar + .one),
            commitment: f.share.commitment)
        #expect(throws: FROSTError.invalidDealerShare) { try KeyPackage(verifying: bad) }
        // Nonces decode only with matching commitments, and re-encode identically.
        var nb = f.nonceBytes
        nb[1] ^= 1
        #expect(throws: WireError.self) { _ = try SigningNonces(wireBytes: nb) }
    }
}
