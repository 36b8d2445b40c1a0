import KoriumCrypto
import KoriumWire

/// Judges one case with our implementation. Returns what our code made of it; throws
/// ``VectorCaseIssue`` for unsupported parameters (skip) or a broken vector (fail).
typealias VectorCheck = @Sendable (VectorCase) throws(VectorCaseIssue) -> VectorVerdict

/// The check functions, one per family of primitive. Field names follow the Wycheproof schema
/// where one exists (`key`, `iv`, `aad`, `msg`, `ct`, `tag`, `public`, `private`, `shared`,
/// `ikm`, `salt`, `info`, `size`, `okm`); the project's own fields are listed in Vectors/README.md.
enum VectorChecks {
    // MARK: AEAD

    /// Any ``AEADCipher``: sealing must give `ct || tag`, opening must give `msg` back; the case
    /// is accepted when opening succeeds (an invalid case must not open). A cipher that opens a
    /// case but seals it to other bytes is reported as rejected.
    static func aead<C: AEADCipher>(_ cipher: C.Type) -> VectorCheck {
        { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
            let key = try test.hex("key"), iv = try test.hex("iv"), aad = try test.hex("aad")
            let msg = try test.hex("msg"), ct = try test.hex("ct"), tag = try test.hex("tag")
            if let bits = try test.optionalInt("ivSize"), bits != C.nonceByteCount * 8 {
                throw .skipped("\(bits)-bit IV")
            }
            if let bits = try test.optionalInt("tagSize"), bits != C.tagByteCount * 8 {
                throw .skipped("\(bits)-bit tag")
            }
            guard iv.count == C.nonceByteCount else { throw .skipped("\(iv.count * 8)-bit IV") }
            guard tag.count == C.tagByteCount else { throw .skipped("\(tag.count * 8)-bit tag") }
            let instance: C
            do { instance = try C(key: key) } catch { return .rejected("key refused: \(error)") }
            let opened: [UInt8]
            do { opened = try instance.open(ct + tag, nonce: iv, aad: aad) } catch {
                return .rejected("open failed: \(error)")
            }
            guard opened == msg else { return .rejected("opened to other plaintext") }
            let sealed: [UInt8]
            do { sealed = try instance.seal(msg, nonce: iv, aad: aad) } catch {
                return .rejected("seal failed: \(error)")
            }
            return sealed == ct + tag ? .accepted : .rejected("seal gave \(Hex.encode(sealed))")
        }
    }

    /// "AES-GCM" with the cipher chosen by key length; lengths with no entry are skipped.
    static func aesGCM(byKeyLength ciphers: [Int: VectorCheck]) -> VectorCheck {
        { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
            let key = try test.hex("key")
            guard let check = ciphers[key.count] else { throw .skipped("AES-\(key.count * 8) key") }
            return try check(test)
        }
    }

    // MARK: Hashes, MACs, KDFs

    static func hash<H: HashFunction>(_ hash: H.Type) -> VectorCheck {
        { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
            let msg = try test.hex("msg"), digest = try test.hex("digest")
            let ours = H.hash(msg)
            // Incremental absorption must agree with one-shot hashing.
            var state = H()
            let split = msg.count / 3
            state.update(msg[..<split])
            state.update(msg[split...])
            guard state.finalize() == ours else { return .rejected("incremental digest differs") }
            return ours == digest ? .accepted : .rejected("digest \(Hex.encode(ours))")
        }
    }

    /// HMAC; a `tag` shorter than the hash (RFC 4231 §4.6, Wycheproof `tagSize`) is compared
    /// with the leading bytes of ours.
    static func hmac<H: HashFunction>(_ hash: H.Type) -> VectorCheck {
        { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
            let key = try test.hex("key"), msg = try test.hex("msg"), tag = try test.hex("tag")
            if let bits = try test.optionalInt("tagSize"), bits != tag.count * 8 {
                throw .malformed("tagSize \(bits) but tag has \(tag.count * 8) bits")
            }
            guard !tag.isEmpty, tag.count <= H.digestByteCount else { return .rejected("tag length \(tag.count)") }
            let ours = HMAC<H>.authenticate(key: key, message: msg)
            if tag.count == H.digestByteCount {
                let verified = HMAC<H>.isValidAuthenticationCode(tag, authenticating: msg, key: key)
                guard verified == (ours == tag) else { return .rejected("verify disagrees with authenticate") }
            }
            return Array(ours.prefix(tag.count)) == tag ? .accepted : .rejected("tag \(Hex.encode(ours))")
        }
    }

    /// HKDF-Extract then -Expand; `prk` is checked when present. An invalid case (size above
    /// 255 × HashLen) must be refused.
    static func hkdf<H: HashFunction>(_ hash: H.Type) -> VectorCheck {
        { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
            let ikm = try test.hex("ikm"), salt = try test.hex("salt"), info = try test.hex("info")
            let size = try test.int("size"), okm = try test.hex("okm")
            let prk = HKDF<H>.extract(salt: salt, ikm: ikm)
            if let expected = try test.optionalHex("prk"), Array(prk) != expected {
                return .rejected("prk \(Hex.encode(prk))")
            }
            do {
                let ours = try HKDF<H>.expand(prk: prk, info: info, outputByteCount: size)
                return Array(ours) == okm ? .accepted : .rejected("okm differs")
            } catch {
                return .rejected("expand refused: \(error)")
            }
        }
    }

    /// TLS 1.3 HKDF-Expand-Label (RFC 8446 §7.1), as QUIC derives packet keys with it.
    static func expandLabel<H: HashFunction>(_ hash: H.Type) -> VectorCheck {
        { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
            let secret = try test.hex("secret"), label = try test.string("label")
            let context = try test.hex("context"), size = try test.int("size"), okm = try test.hex("okm")
            do {
                let ours = try HKDF<H>.expandLabel(secret: secret, label: label, context: context, outputByteCount: size)
                return Array(ours) == okm ? .accepted : .rejected("output \(Hex.encode(ours))")
            } catch {
                return .rejected("expandLabel refused: \(error)")
            }
        }
    }

    // MARK: QUIC

    /// RFC 9000 §16 varints: decoding `encoded` gives `value` (a decimal string); when
    /// `minimal` is true, encoding `value` gives `encoded` back.
    static let varint: VectorCheck = { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
        let encoded = try test.hex("encoded"), minimal = try test.bool("minimal")
        guard let value = UInt64(try test.string("value")) else { throw .malformed("value is not a UInt64") }
        let decoded: (value: VarInt, isMinimal: Bool)
        do {
            decoded = try encoded.withReader { (reader: inout ByteReader) throws(WireError) in
                let result = try reader.readVarIntCheckingMinimality()
                try reader.expectEnd()
                return result
            }
        } catch {
            return .rejected("decode failed: \(error)")
        }
        guard decoded.value.value == value else { return .rejected("decoded \(decoded.value.value)") }
        guard decoded.isMinimal == minimal else { return .rejected("minimality reported as \(decoded.isMinimal)") }
        if minimal {
            var writer = ByteWriter(capacity: 8)
            do { try writer.writeVarInt(try VarInt(value)) } catch { return .rejected("encode failed: \(error)") }
            guard writer.bytes == encoded else { return .rejected("encoded as \(Hex.encode(writer.bytes))") }
        }
        return .accepted
    }

    /// RFC 9001 §5.2 Initial secrets and the key/iv/hp of both sides.
    static let quicInitialKeys: VectorCheck = { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
        let salt = try test.hex("salt"), dcid = try test.hex("dcid")
        let derived: [String: [UInt8]]
        do { derived = try initialKeys(salt: salt, dcid: dcid) } catch {
            return .rejected("derivation refused: \(error)")
        }
        for field in derived.keys.sorted() where derived[field] != (try test.hex(field)) {
            return .rejected("\(field) is \(Hex.encode(derived[field] ?? []))")
        }
        return .accepted
    }

    private static func initialKeys(salt: [UInt8], dcid: [UInt8]) throws(CryptoError) -> [String: [UInt8]] {
        let initial = HKDF<SHA256>.extract(salt: salt, ikm: dcid)
        var out = ["initialSecret": Array(initial)]
        for (side, label) in [("client", "client in"), ("server", "server in")] {
            let secret = try HKDF<SHA256>.expandLabel(secret: initial, label: label, context: [], outputByteCount: 32)
            out[side + "Secret"] = Array(secret)
            for (field, partLabel, size) in [("Key", "quic key", 16), ("Iv", "quic iv", 12), ("Hp", "quic hp", 16)] {
                out[side + field] = Array(
                    try HKDF<SHA256>.expandLabel(secret: secret, label: partLabel, context: [], outputByteCount: size))
            }
        }
        return out
    }

    /// RFC 9001 §5.4 header-protection mask from a 16-byte sample, for whichever ciphers have
    /// an entry in `masks` (keyed by the vector's `cipher`).
    static func headerProtection(
        _ masks: [String: @Sendable ([UInt8]) throws(CryptoError) -> any HeaderProtectionMask]
    ) -> VectorCheck {
        { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
            let cipher = try test.string("cipher"), key = try test.hex("hp")
            let sample = try test.hex("sample"), mask = try test.hex("mask")
            guard let make = masks[cipher] else { throw .skipped("no \(cipher) header protection") }
            guard sample.count == headerProtectionSampleByteCount else { throw .malformed("sample is not 16 bytes") }
            let protection: any HeaderProtectionMask
            do { protection = try make(key) } catch { return .rejected("key refused: \(error)") }
            let m = sample.withUnsafeBytes { protection.mask(sample: $0) }
            let ours = [m.0, m.1, m.2, m.3, m.4]
            return ours == mask ? .accepted : .rejected("mask \(Hex.encode(ours))")
        }
    }

    /// Always skipped: whole-packet vectors wait for the QUIC packet layer.
    static func pending(_ reason: String) -> VectorCheck {
        { (_: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in throw .skipped(reason) }
    }
}

extension VectorChecks {
    /// The edwards25519 group and scalar types (RFC 8032 §5.1, RFC 9591 element/scalar rules),
    /// one operation per case (`op`), as laid out by ``VectorLayouts/ed25519Group(_:)``.
    static let ed25519Group: VectorCheck = { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
        func scalar(_ key: String) throws(VectorCaseIssue) -> Ed25519Scalar {
            do { return try Ed25519Scalar(canonicalBytes: try test.hex(key)) } catch let issue as VectorCaseIssue {
                throw issue
            } catch { throw .malformed("'\(key)' is not a canonical scalar") }
        }
        func point(_ key: String) throws(VectorCaseIssue) -> Ed25519Point {
            do { return try Ed25519Point(validating: try test.hex(key)) } catch let issue as VectorCaseIssue {
                throw issue
            } catch { throw .malformed("'\(key)' is not a valid point") }
        }
        func same(_ ours: [UInt8], _ key: String) throws(VectorCaseIssue) -> String? {
            ours == (try test.hex(key)) ? nil : "\(key) is \(Hex.encode(ours))"
        }
        let op = try test.string("op")
        var mismatches: [String?] = []
        switch op {
        case "decode":
            do { _ = try Ed25519Point(validating: try test.hex("point")) } catch let issue as VectorCaseIssue {
                throw issue
            } catch { return .rejected("\(error)") }
            return .accepted
        case "baseMultiple":
            let k = try scalar("scalar")
            mismatches = [try same(Ed25519Point.baseMultiplied(by: k).bytes, "point"),
                          try same(Ed25519Point.generator.multiplied(by: k).bytes, "point")]
        case "pointSum":
            let a = try point("a"), b = try point("b")
            mismatches = [try same((a + b).bytes, "sum"), try same((a - b).bytes, "difference")]
        case "scalarOps":
            let a = try scalar("a"), b = try scalar("b")
            let inverse: [UInt8]
            do { inverse = try a.inverted().bytes } catch { return .rejected("inversion refused: \(error)") }
            mismatches = [try same((a + b).bytes, "sum"), try same((a - b).bytes, "difference"),
                          try same((a * b).bytes, "product"), try same(a.negated.bytes, "negation"),
                          try same(inverse, "inverse"), try same(a.complement.bytes, "complement")]
        case "wideReduction":
            do {
                mismatches = [try same(try Ed25519Scalar(reducingWide: try test.hex("input")).bytes, "reduced")]
            } catch let issue as VectorCaseIssue {
                throw issue
            } catch { return .rejected("reduction refused: \(error)") }
        default:
            throw .malformed("unknown op \(op)")
        }
        let failures = mismatches.compactMap { $0 }
        return failures.isEmpty ? .accepted : .rejected(failures.joined(separator: "; "))
    }
}
