import KoriumCrypto

/// Makes Ed25519 X.509 v3 certificates: self-signed (peer-to-peer identities, CA roots) or
/// signed by an issuer (intermediates, SPIFFE leaves).
public struct CertificateBuilder: Sendable {
    /// Serial number magnitude (at most 20 bytes, RFC 5280 §4.1.2.2). Default: 16 random bytes.
    public var serialNumber: [UInt8]
    /// Subject commonName; `nil` gives an empty subject (then the SAN extension is critical,
    /// RFC 5280 §4.2.1.6).
    public var commonName: String?
    /// notBefore, Unix seconds.
    public var notBefore: Int64
    /// notAfter, Unix seconds.
    public var notAfter: Int64
    /// subjectAltName entries.
    public var subjectAlternativeNames: [GeneralName] = []
    /// basicConstraints cA.
    public var isCA: Bool = false
    /// basicConstraints pathLenConstraint (CA only).
    public var pathLength: Int? = nil
    /// keyUsage (always emitted, critical, as SPIFFE §4.3 requires).
    public var keyUsage: KeyUsage = [.digitalSignature]
    /// extKeyUsage; `nil` omits the extension.
    public var extendedKeyUsage: [ObjectIdentifier]? = nil

    /// A builder with a random serial and the given validity.
    public init(commonName: String?, notBefore: Int64, notAfter: Int64) {
        var serial = SecureRandom.bytes(16)
        serial[0] &= 0x7f
        if serial[0] == 0 { serial[0] = 1 }
        self.serialNumber = serial
        self.commonName = commonName
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// A leaf for TLS (digitalSignature, serverAuth+clientAuth, not a CA).
    public static func leaf(commonName: String?, names: [GeneralName], notBefore: Int64, notAfter: Int64) -> CertificateBuilder {
        var b = CertificateBuilder(commonName: commonName, notBefore: notBefore, notAfter: notAfter)
        b.subjectAlternativeNames = names
        b.keyUsage = [.digitalSignature]
        b.extendedKeyUsage = [.serverAuth, .clientAuth]
        return b
    }

    /// A CA (keyCertSign + cRLSign, cA TRUE).
    public static func certificateAuthority(commonName: String, names: [GeneralName] = [], pathLength: Int? = nil,
                                            notBefore: Int64, notAfter: Int64) -> CertificateBuilder {
        var b = CertificateBuilder(commonName: commonName, notBefore: notBefore, notAfter: notAfter)
        b.subjectAlternativeNames = names
        b.isCA = true
        b.pathLength = pathLength
        b.keyUsage = [.keyCertSign, .cRLSign]
        return b
    }

    /// A self-signed certificate for `key`.
    public func selfSigned(key: Ed25519.PrivateKey) -> Certificate {
        let pub = key.publicKey.rawRepresentation
        let name = subjectName()
        return build(subjectKey: Array(pub), issuerName: name, issuerKeyIdentifier: Self.keyIdentifier(Array(pub)), signer: key)
    }

    /// A certificate for `subjectPublicKey` signed by `issuer` (whose private key is `issuerKey`).
    public func signed(subjectPublicKey: [UInt8], issuer: Certificate, issuerKey: Ed25519.PrivateKey) -> Certificate {
        precondition(Array(issuerKey.publicKey.rawRepresentation) == issuer.publicKey, "issuer key does not match issuer certificate")
        let issuerKID = issuer.subjectKeyIdentifier ?? Self.keyIdentifier(issuer.publicKey)
        return build(subjectKey: subjectPublicKey, issuerName: issuer.subject, issuerKeyIdentifier: issuerKID, signer: issuerKey)
    }

    /// Key identifier: the leftmost 160 bits of SHA-256 of the key (RFC 7093 §2 method 1).
    static func keyIdentifier(_ key: [UInt8]) -> [UInt8] { Array(SHA256.hash(key).prefix(20)) }

    private func subjectName() -> [UInt8] {
        guard let cn = commonName else { return DER.sequence([]) }
        return DER.sequence([DER.set([DER.sequence([DER.objectIdentifier(.commonName), DER.utf8String(cn)])])])
    }

    private func build(subjectKey: [UInt8], issuerName: [UInt8], issuerKeyIdentifier: [UInt8], signer: Ed25519.PrivateKey) -> Certificate {
        precondition(subjectKey.count == 32, "Ed25519 public key must be 32 bytes")
        precondition(serialNumber.count <= 20, "serial number longer than 20 bytes")
        let algorithm = DER.sequence([DER.objectIdentifier(.ed25519)])
        let subject = subjectName()
        func ext(_ oid: ObjectIdentifier, critical: Bool, _ value: [UInt8]) -> [UInt8] {
            DER.sequence([DER.objectIdentifier(oid)] + (critical ? [DER.boolean(true)] : []) + [DER.octetString(value)])
        }
        var extensions: [[UInt8]] = []
        var bc: [[UInt8]] = []
        if isCA {
            bc.append(DER.boolean(true))
            if let p = pathLength { bc.append(DER.integer(p)) }
        }
        extensions.append(ext(.basicConstraints, critical: true, DER.sequence(bc)))
        extensions.append(ext(.keyUsage, critical: true, keyUsage.encoded()))
        if let eku = extendedKeyUsage {
            extensions.append(ext(.extendedKeyUsage, critical: false, DER.sequence(eku.map { DER.objectIdentifier($0) })))
        }
        extensions.append(ext(.subjectKeyIdentifier, critical: false, DER.octetString(Self.keyIdentifier(subjectKey))))
        if subject != issuerName || issuerKeyIdentifier != Self.keyIdentifier(subjectKey) {
            extensions.append(ext(.authorityKeyIdentifier, critical: false,
                                  DER.sequence([DER.encode(tag: DER.Tag.contextPrimitive(0), content: issuerKeyIdentifier)])))
        }
        if !subjectAlternativeNames.isEmpty {
            extensions.append(ext(.subjectAltName, critical: commonName == nil,
                                  DER.sequence(subjectAlternativeNames.map { $0.encoded() })))
        }
        let tbs = DER.sequence([
            DER.explicit(0, DER.integer(2)),
            DER.unsignedInteger(serialNumber),
            algorithm,
            issuerName,
            DER.sequence([CivilTime.derTime(notBefore), CivilTime.derTime(notAfter)]),
            subject,
            DER.sequence([algorithm, DER.bitString(subjectKey)]),
            DER.explicit(3, DER.sequence(extensions)),
        ])
        let signature = signer.signature(for: tbs)
        let der = DER.sequence([tbs, algorithm, DER.bitString(Array(signature))])
        do {
            return try Certificate(der: der)
        } catch {
            preconditionFailure("generated certificate does not parse: \(error)")
        }
    }
}
