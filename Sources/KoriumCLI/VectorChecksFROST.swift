import KoriumCrypto
import KoriumFROST

extension VectorChecks {
    /// FROST(Ed25519, SHA-512), RFC 9591 Appendix E layout (Vectors/frost/rfc9591_ed25519.json):
    /// the trusted dealer reproduces the group key and shares from the secret and coefficients;
    /// round one reproduces nonces and commitments from the given randomness; binding factor
    /// inputs, binding factors, signature shares and the aggregate signature must match byte for
    /// byte, and the signature must verify with libsodium's Ed25519.
    static let frostEd25519: VectorCheck = { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
        guard let config = test.dictionary("config"), let inputs = test.dictionary("inputs"),
            let round1 = test.dictionary("round_one_outputs"), let round2 = test.dictionary("round_two_outputs"),
            let final = test.dictionary("final_output"),
            let maxSigners = config["MAX_PARTICIPANTS"] as? Int,
            let participants = inputs["participant_list"] as? [Int],
            let coefficientHex = inputs["share_polynomial_coefficients"] as? [String],
            let shareHex = inputs["participant_shares"] as? [String: String]
        else { throw .malformed("missing FROST vector sections") }
        func hex(_ d: [String: Any]?, _ key: String) throws(VectorCaseIssue) -> [UInt8] {
            guard let text = d?[key] as? String, let bytes = Hex.decode(text) else {
                throw .malformed("missing hex field '\(key)'")
            }
            return bytes
        }
        do {
            let secret = try Ed25519Scalar(canonicalBytes: try hex(inputs, "group_secret_key"))
            var coefficients: [Ed25519Scalar] = []
            for h in coefficientHex {
                guard let b = Hex.decode(h) else { throw VectorCaseIssue.malformed("coefficient not hex") }
                coefficients.append(try Ed25519Scalar(canonicalBytes: b))
            }
            let dealt = try TrustedDealer.split(secret: secret, coefficients: coefficients, maxSigners: maxSigners)
            let groupKey = dealt.publicKeyPackage.groupPublicKey
            guard groupKey.bytes == (try hex(inputs, "group_public_key")) else { return .rejected("group public key") }
            var keys: [Int: KeyPackage] = [:]
            for share in dealt.shares {
                let n = Int(share.identifier.integerValue ?? 0)
                guard let expected = shareHex[String(n)], share.signingShare.scalar.bytes == Hex.decode(expected) else {
                    return .rejected("participant share \(n)")
                }
                keys[n] = try KeyPackage(verifying: share)
            }
            let message = try hex(inputs, "message")
            var commitments: [SigningCommitments] = []
            for n in participants {
                let r = round1[String(n)] as? [String: Any]
                guard let kp = keys[n] else { return .rejected("no key package for \(n)") }
                let made = FROST.commit(
                    signingShare: kp.signingShare, identifier: kp.identifier,
                    hidingRandomness: try hex(r, "hiding_nonce_randomness"),
                    bindingRandomness: try hex(r, "binding_nonce_randomness"))
                guard made.hiding.scalar.bytes == (try hex(r, "hiding_nonce")),
                    made.binding.scalar.bytes == (try hex(r, "binding_nonce")),
                    made.commitments.hiding.bytes == (try hex(r, "hiding_nonce_commitment")),
                    made.commitments.binding.bytes == (try hex(r, "binding_nonce_commitment"))
                else { return .rejected("round one outputs of \(n)") }
                commitments.append(made.commitments)
            }
            let package = try SigningPackage(commitments: commitments, message: message)
            let prefix = SigningContext.bindingFactorInputPrefix(groupPublicKey: groupKey, package: package)
            let context = try SigningContext(package: package, groupPublicKey: groupKey)
            var shares: [SignatureShare] = []
            for n in participants {
                let r = round1[String(n)] as? [String: Any]
                let id = try FROSTIdentifier(n)
                guard prefix + id.scalar.bytes == (try hex(r, "binding_factor_input")),
                    try context.bindingFactor(of: id).bytes == (try hex(r, "binding_factor"))
                else { return .rejected("binding factor of \(n)") }
                guard let kp = keys[n] else { return .rejected("no key package for \(n)") }
                // Nonces are single-use values; the same randomness regenerates them for round two.
                let nonces = FROST.commit(
                    signingShare: kp.signingShare, identifier: kp.identifier,
                    hidingRandomness: try hex(r, "hiding_nonce_randomness"),
                    bindingRandomness: try hex(r, "binding_nonce_randomness"))
                let share = try FROST.sign(signingPackage: package, nonces: nonces, keyPackage: kp)
                guard share.share.bytes == (try hex(round2[String(n)] as? [String: Any], "sig_share")) else {
                    return .rejected("signature share of \(n)")
                }
                shares.append(share)
            }
            let signature = try FROST.aggregate(
                signingPackage: package, signatureShares: shares, publicKeyPackage: dealt.publicKeyPackage)
            guard signature.bytes == (try hex(final, "sig")) else { return .rejected("signature \(Hex.encode(signature.bytes))") }
            let pk = try Ed25519.PublicKey(rawRepresentation: groupKey.bytes)
            return pk.isValidSignature(signature.bytes, for: message) ? .accepted : .rejected("libsodium rejects the signature")
        } catch let issue as VectorCaseIssue {
            throw issue
        } catch {
            return .rejected("\(error)")
        }
    }
}
