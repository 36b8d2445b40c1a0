import KoriumCrypto

/// PKCS#8 / SubjectPublicKeyInfo for Ed25519 (RFC 8410 §4, §7; RFC 5958 §2).
public enum PKCS8 {
    /// Parses a OneAsymmetricKey (RFC 5958 §2) holding an Ed25519 key (RFC 8410 §7):
    /// `SEQUENCE { version 0|1, AlgorithmIdentifier { 1.3.101.112 }, OCTET STRING { OCTET STRING
    /// seed(32) }, [0] attributes OPTIONAL, [1] publicKey OPTIONAL (v2 only) }`. A v2 public key
    /// must match the one derived from the seed.
    public static func ed25519PrivateKey(der: [UInt8]) throws(PEMError) -> Ed25519.PrivateKey {
        let (fields, version, algorithm, wrapped) = try mappingErrors { () throws -> ([DERElement], Int, [DERElement], [UInt8]) in
            let fields = try DER.parse(der).sequence()
            guard fields.count >= 3 else { throw PEMError.malformedKey("OneAsymmetricKey has \(fields.count) fields") }
            return (fields, try fields[0].smallInteger(), try fields[1].sequence(), try fields[2].octetString())
        }
        // RFC 5958 §2: v1 (0) or v2 (1); the public key field only exists in v2.
        guard version == 0 || version == 1 else { throw .malformedKey("version \(version)") }
        try checkEd25519(algorithm)
        // RFC 8410 §7: the privateKey OCTET STRING wraps CurvePrivateKey ::= OCTET STRING (32).
        let seed: [UInt8]
        do { seed = try DER.parse(wrapped).octetString() } catch { throw .der(error) }
        guard seed.count == Ed25519.seedByteCount else { throw .malformedKey("seed of \(seed.count) bytes") }
        let key: Ed25519.PrivateKey
        do { key = try Ed25519.PrivateKey(seed: seed) } catch { throw .malformedKey("seed rejected: \(error)") }

        var index = 3
        if index < fields.count, fields[index].tag == DER.Tag.contextConstructed(0) { index += 1 }
        if index < fields.count, fields[index].tag == DER.Tag.contextPrimitive(1) {
            guard version == 1 else { throw .malformedKey("publicKey in a v1 key") }
            // [1] IMPLICIT BIT STRING: first content byte is the unused-bit count (must be 0).
            let content = fields[index].content
            guard content.first == 0, content.count == 1 + Ed25519.publicKeyByteCount else {
                throw .malformedKey("publicKey field")
            }
            guard Array(content.dropFirst()) == key.publicKey.rawRepresentation else { throw .publicKeyMismatch }
            index += 1
        }
        guard index == fields.count else { throw .malformedKey("unexpected field with tag \(fields[index].tag)") }
        return key
    }

    /// The 32-byte key of a SubjectPublicKeyInfo (RFC 8410 §4):
    /// `SEQUENCE { AlgorithmIdentifier { 1.3.101.112 }, BIT STRING key }`.
    public static func ed25519PublicKey(subjectPublicKeyInfo der: [UInt8]) throws(PEMError) -> [UInt8] {
        let key = try mappingErrors { () throws -> [UInt8] in
            let fields = try DER.parse(der).sequence()
            guard fields.count == 2 else { throw PEMError.malformedKey("SubjectPublicKeyInfo has \(fields.count) fields") }
            try checkEd25519(try fields[0].sequence())
            return try fields[1].bitStringBytes()
        }
        guard key.count == Ed25519.publicKeyByteCount else { throw .malformedKey("public key of \(key.count) bytes") }
        return key
    }

    /// RFC 8410 §3: the algorithm is id-Ed25519 and the parameters MUST be absent.
    static func checkEd25519(_ algorithm: [DERElement]) throws(PEMError) {
        guard let first = algorithm.first else { throw .malformedKey("empty AlgorithmIdentifier") }
        let oid: ObjectIdentifier
        do { oid = try first.objectIdentifier() } catch { throw .der(error) }
        guard oid == .ed25519 else { throw .unsupportedAlgorithm(oid.description) }
        guard algorithm.count == 1 else { throw .malformedKey("Ed25519 AlgorithmIdentifier with parameters") }
    }

    /// The v1 PKCS#8 encoding of `key` (RFC 8410 §7, the form openssl writes).
    public static func encode(privateKey key: Ed25519.PrivateKey) -> [UInt8] {
        let seed = key.seed.withUnsafeBytes { Array($0) }
        return DER.sequence([
            DER.integer(0),
            DER.sequence([DER.objectIdentifier(.ed25519)]),
            DER.octetString(DER.octetString(seed)),
        ])
    }

    /// The SubjectPublicKeyInfo encoding of a 32-byte Ed25519 public key (RFC 8410 §4).
    public static func encodeSubjectPublicKeyInfo(publicKey key: [UInt8]) -> [UInt8] {
        DER.sequence([DER.sequence([DER.objectIdentifier(.ed25519)]), DER.bitString(key)])
    }

    /// Runs a DER walk that may throw ``DERError`` or ``PEMError`` and reports either as a
    /// ``PEMError``.
    private static func mappingErrors<T>(_ body: () throws -> T) throws(PEMError) -> T {
        do {
            return try body()
        } catch let error as DERError {
            throw .der(error)
        } catch let error as PEMError {
            throw error
        } catch {
            throw .malformedKey("unexpected error")
        }
    }
}
