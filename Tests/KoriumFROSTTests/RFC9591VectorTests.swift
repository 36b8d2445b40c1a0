import Foundation
import KoriumCrypto
import KoriumWire
import Testing

@testable import KoriumFROST

/// Vectors/frost/rfc9591_ed25519.json: RFC 9591 Appendix E, "FROST(Ed25519, SHA-512)".
private struct RFC9591Vector: Decodable {
    struct Config: Decodable { let MAX_PARTICIPANTS: Int; let MIN_PARTICIPANTS: Int; let NUM_PARTICIPANTS: Int }
    struct Inputs: Decodable {
        let participant_list: [Int]
        let group_secret_key: String
        let group_public_key: String
        let message: String
        let share_polynomial_coefficients: [String]
        let participant_shares: [String: String]
    }
    struct RoundOne: Decodable {
        let hiding_nonce_randomness, binding_nonce_randomness, hiding_nonce, binding_nonce: String
        let hiding_nonce_commitment, binding_nonce_commitment, binding_factor_input, binding_factor: String
    }
    struct RoundTwo: Decodable { let sig_share: String }
    struct Final: Decodable { let sig: String }
    let config: Config
    let inputs: Inputs
    let round_one_outputs: [String: RoundOne]
    let round_two_outputs: [String: RoundTwo]
    let final_output: Final

    /// The file is in the project's vector format: one case in `tests` holds the appendix.
    private struct File: Decodable {
        let algorithm: String
        let tests: [RFC9591Vector]
    }

    static func load() throws -> RFC9591Vector {
        let data = try Data(contentsOf: repositoryRoot.appendingPathComponent("Vectors/frost/rfc9591_ed25519.json"))
        let file = try JSONDecoder().decode(File.self, from: data)
        #expect(file.algorithm == "FROST-Ed25519-SHA512")
        return try #require(file.tests.first)
    }
}

@Suite("RFC 9591 FROST(Ed25519, SHA-512) test vectors")
struct RFC9591VectorTests {
    @Test("dealer shares, group key, nonces, commitments, binding factors, shares and signature byte for byte")
    func vectors() throws {
        let v = try RFC9591Vector.load()
        let secret = try Ed25519Scalar(canonicalBytes: hexBytes(v.inputs.group_secret_key))
        let coefficients = try v.inputs.share_polynomial_coefficients.map { try Ed25519Scalar(canonicalBytes: hexBytes($0)) }
        #expect(coefficients.count == v.config.MIN_PARTICIPANTS - 1)

        // Trusted dealer (RFC 9591 Appendix C) with the given coefficients.
        let dealt = try TrustedDealer.split(secret: secret, coefficients: coefficients, maxSigners: v.config.MAX_PARTICIPANTS)
        #expect(hexString(dealt.publicKeyPackage.groupPublicKey.bytes) == v.inputs.group_public_key)
        #expect(dealt.shares.count == v.config.MAX_PARTICIPANTS)
        var keyPackages: [Int: KeyPackage] = [:]
        for share in dealt.shares {
            let n = Int(share.identifier.integerValue ?? 0)
            #expect(hexString(share.signingShare.scalar.bytes) == v.inputs.participant_shares[String(n)])
            let kp = try KeyPackage(verifying: share)
            #expect(try dealt.publicKeyPackage.verifyingShare(of: share.identifier) == kp.verifyingShare)
            keyPackages[n] = kp
        }
        // Any t shares recombine to the secret (RFC 9591 Appendix C.1 secret_share_combine).
        let pts = dealt.shares.prefix(2).map { (x: $0.identifier, y: $0.signingShare.scalar) }
        #expect(try Polynomial.interpolateConstant(Array(pts)) == secret)

        // Round one with the given randomness.
        let message = hexBytes(v.inputs.message)
        var boxes: [NonceBox] = []
        for n in v.inputs.participant_list {
            let r1 = try #require(v.round_one_outputs[String(n)])
            let kp = try #require(keyPackages[n])
            let nonces = FROST.commit(
                signingShare: kp.signingShare, identifier: kp.identifier,
                hidingRandomness: hexBytes(r1.hiding_nonce_randomness),
                bindingRandomness: hexBytes(r1.binding_nonce_randomness))
            #expect(hexString(nonces.hiding.scalar.bytes) == r1.hiding_nonce)
            #expect(hexString(nonces.binding.scalar.bytes) == r1.binding_nonce)
            #expect(hexString(nonces.commitments.hiding.bytes) == r1.hiding_nonce_commitment)
            #expect(hexString(nonces.commitments.binding.bytes) == r1.binding_nonce_commitment)
            boxes.append(NonceBox(nonces))
        }
        let package = try SigningPackage(commitments: boxes.map(\.commitments), message: message)
        let groupKey = dealt.publicKeyPackage.groupPublicKey
        let prefix = SigningContext.bindingFactorInputPrefix(groupPublicKey: groupKey, package: package)
        let context = try SigningContext(package: package, groupPublicKey: groupKey)
        for n in v.inputs.participant_list {
            let r1 = try #require(v.round_one_outputs[String(n)])
            let id = try FROSTIdentifier(n)
            #expect(hexString(prefix + id.scalar.bytes) == r1.binding_factor_input)
            #expect(hexString(try context.bindingFactor(of: id).bytes) == r1.binding_factor)
        }

        // Round two.
        var shares: [SignatureShare] = []
        for (n, box) in zip(v.inputs.participant_list, boxes) {
            let kp = try #require(keyPackages[n])
            let share = try FROST.sign(signingPackage: package, nonces: box.take(), keyPackage: kp)
            #expect(hexString(share.share.bytes) == v.round_two_outputs[String(n)]?.sig_share)
            #expect(try FROST.verifySignatureShare(share, signingPackage: package, publicKeyPackage: dealt.publicKeyPackage))
            shares.append(share)
        }

        // Aggregation.
        let signature = try FROST.aggregate(
            signingPackage: package, signatureShares: shares, publicKeyPackage: dealt.publicKeyPackage)
        #expect(hexString(signature.bytes) == v.final_output.sig)
        #expect(try signature.wireBytes() == signature.bytes)

        // The result is a plain Ed25519 signature: libsodium and OpenSSL accept it.
        let check = SignatureCheck(publicKey: groupKey.bytes, signature: signature.bytes, message: message)
        #expect(verifyWithLibsodium(check))
        #expect(try verifyWithOpenSSL([check]) == [true])
    }

    @Test("H1–H5 use the context string FROST-ED25519-SHA512-v1")
    func contextString() {
        #expect(String(decoding: FROSTCiphersuite.contextString, as: UTF8.self) == "FROST-ED25519-SHA512-v1")
        // H4/H5 are SHA-512 over contextString || tag || m (RFC 9591 §6.1).
        #expect(FROSTCiphersuite.h4([0x61]) == SHA512.hash(Array("FROST-ED25519-SHA512-v1msga".utf8)))
        #expect(FROSTCiphersuite.h5([0x61]) == SHA512.hash(Array("FROST-ED25519-SHA512-v1coma".utf8)))
    }
}
