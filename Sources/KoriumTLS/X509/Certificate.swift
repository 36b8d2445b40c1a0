import KoriumCrypto

/// An X.509 v3 certificate with an Ed25519 key and Ed25519 signature (RFC 5280, RFC 8410),
/// parsed strictly from DER. Other key or signature algorithms are rejected with
/// ``X509Error/unsupportedAlgorithm(_:)``: this stack authenticates with Ed25519 only.
public struct Certificate: Sendable, Hashable {
    /// The complete DER encoding.
    public let der: [UInt8]
    /// The DER of TBSCertificate, the signed bytes.
    public let tbsCertificate: [UInt8]
    /// The serial number's magnitude bytes.
    public let serialNumber: [UInt8]
    /// The issuer Name's DER (compared byte-wise when building chains).
    public let issuer: [UInt8]
    /// The subject Name's DER.
    public let subject: [UInt8]
    /// The subject's commonName, if any (for diagnostics only; identity comes from SANs/keys).
    public let subjectCommonName: String?
    /// notBefore, seconds since the Unix epoch.
    public let notBefore: Int64
    /// notAfter, seconds since the Unix epoch.
    public let notAfter: Int64
    /// The 32-byte Ed25519 public key.
    public let publicKey: [UInt8]
    /// The 64-byte Ed25519 signature over ``tbsCertificate``.
    public let signature: [UInt8]
    /// basicConstraints: `nil` if absent.
    public let basicConstraints: BasicConstraints?
    /// keyUsage: `nil` if absent.
    public let keyUsage: KeyUsage?
    /// Whether the keyUsage extension is marked critical.
    public let keyUsageIsCritical: Bool
    /// extKeyUsage purposes, `nil` if absent.
    public let extendedKeyUsage: [ObjectIdentifier]?
    /// subjectAltName entries (empty if absent).
    public let subjectAlternativeNames: [GeneralName]
    /// subjectKeyIdentifier, if present.
    public let subjectKeyIdentifier: [UInt8]?
    /// authorityKeyIdentifier's keyIdentifier, if present.
    public let authorityKeyIdentifier: [UInt8]?

    /// basicConstraints (RFC 5280 §4.2.1.9).
    public struct BasicConstraints: Sendable, Hashable {
        /// cA.
        public var isCA: Bool
        /// pathLenConstraint.
        public var pathLength: Int?
    }

    /// The largest certificate accepted.
    public static let maxSize = 16 * 1024

    /// Parses a DER certificate.
    public init(der: [UInt8]) throws(X509Error) {
        guard der.count <= Certificate.maxSize else { throw .der(.tooLarge(der.count)) }
        do {
            self = try Certificate.parse(der)
        } catch let e as X509Error {
            throw e
        } catch let e as DERError {
            throw .der(e)
        } catch {
            throw .malformed("\(error)")
        }
    }

    private static func parse(_ der: [UInt8]) throws -> Certificate {
        let root = try DER.parse(der)
        let top = try root.sequence()
        guard top.count == 3 else { throw X509Error.malformed("Certificate has \(top.count) fields") }
        let tbsElement = top[0]
        try checkEd25519AlgorithmIdentifier(top[1])
        let signature = try top[2].bitStringBytes()
        guard signature.count == 64 else { throw X509Error.malformed("Ed25519 signature length") }

        let fields = try tbsElement.sequence()
        var i = 0
        func next(_ what: String) throws -> DERElement {
            guard i < fields.count else { throw DERError.missingElement(what) }
            defer { i += 1 }
            return fields[i]
        }
        // version [0] EXPLICIT: we require v3 (extensions are needed for CA and SPIFFE rules).
        let versionWrapper = try next("version")
        guard versionWrapper.tag == DER.Tag.contextConstructed(0) else { throw X509Error.malformed("not a v3 certificate") }
        let versionChildren = try versionWrapper.children()
        guard versionChildren.count == 1, try versionChildren[0].smallInteger() == 2 else {
            throw X509Error.malformed("not a v3 certificate")
        }
        let serial = try next("serialNumber").unsignedIntegerBytes()
        // RFC 5280 §4.1.2.2: at most 20 octets.
        guard serial.count <= 20 else { throw X509Error.malformed("serial number longer than 20 bytes") }
        // RFC 5280 §4.1.1.2: the inner signature algorithm MUST equal the outer one.
        let innerAlgorithm = try next("signature")
        guard innerAlgorithm.encoded == top[1].encoded else { throw X509Error.malformed("signature algorithm mismatch") }
        let issuerElement = try next("issuer")
        _ = try issuerElement.expect(DER.Tag.sequence)
        let validity = try next("validity").sequence()
        guard validity.count == 2 else { throw X509Error.malformed("validity") }
        let notBefore = try validity[0].time()
        let notAfter = try validity[1].time()
        let subjectElement = try next("subject")
        let subjectCN = try commonName(of: subjectElement)
        let spki = try next("subjectPublicKeyInfo").sequence()
        guard spki.count == 2 else { throw X509Error.malformed("subjectPublicKeyInfo") }
        try checkEd25519AlgorithmIdentifier(spki[0])
        let key = try spki[1].bitStringBytes()
        guard key.count == 32 else { throw X509Error.malformed("Ed25519 key length") }

        var basic: BasicConstraints? = nil
        var keyUsage: KeyUsage? = nil
        var keyUsageCritical = false
        var eku: [ObjectIdentifier]? = nil
        var sans: [GeneralName] = []
        var ski: [UInt8]? = nil
        var aki: [UInt8]? = nil
        while i < fields.count {
            let f = fields[i]
            i += 1
            switch f.tag {
            case DER.Tag.contextPrimitive(1), DER.Tag.contextPrimitive(2):
                continue  // issuerUniqueID / subjectUniqueID: allowed, unused.
            case DER.Tag.contextConstructed(3):
                let wrapped = try f.children()
                guard wrapped.count == 1 else { throw X509Error.malformed("extensions wrapper") }
                let extensions = try wrapped[0].sequence()
                // RFC 5280 §4.1.2.9: if present, one or more extensions.
                guard !extensions.isEmpty else { throw X509Error.malformed("empty extensions") }
                var seen = Set<ObjectIdentifier>()
                for ext in extensions {
                    let parts = try ext.sequence()
                    guard parts.count == 2 || parts.count == 3 else { throw X509Error.malformed("extension") }
                    let oid = try parts[0].objectIdentifier()
                    guard seen.insert(oid).inserted else { throw X509Error.duplicateExtension(oid.description) }
                    var critical = false
                    if parts.count == 3 {
                        critical = try parts[1].boolean()
                        // DER: a DEFAULT FALSE value must be omitted (X.690 §11.5).
                        guard critical else { throw X509Error.malformed("explicit critical FALSE") }
                    }
                    let value = try DER.parse(try parts[parts.count - 1].octetString())
                    switch oid {
                    case .basicConstraints:
                        let items = try value.sequence()
                        var bc = BasicConstraints(isCA: false, pathLength: nil)
                        var j = 0
                        if j < items.count, items[j].tag == DER.Tag.boolean {
                            bc.isCA = try items[j].boolean()
                            guard bc.isCA else { throw X509Error.malformed("explicit cA FALSE") }
                            j += 1
                        }
                        if j < items.count {
                            bc.pathLength = try items[j].smallInteger()
                            j += 1
                        }
                        guard j == items.count else { throw X509Error.malformed("basicConstraints") }
                        basic = bc
                    case .keyUsage:
                        keyUsage = try KeyUsage.decode(value)
                        keyUsageCritical = critical
                    case .extendedKeyUsage:
                        let items = try value.sequence()
                        guard !items.isEmpty else { throw X509Error.malformed("empty extKeyUsage") }
                        var list: [ObjectIdentifier] = []
                        for item in items { list.append(try item.objectIdentifier()) }
                        eku = list
                    case .subjectAltName:
                        let items = try value.sequence()
                        guard !items.isEmpty else { throw X509Error.malformed("empty subjectAltName") }
                        for item in items { sans.append(try GeneralName.decode(item)) }
                    case .subjectKeyIdentifier:
                        ski = try value.octetString()
                    case .authorityKeyIdentifier:
                        for item in try value.sequence() where item.tag == DER.Tag.contextPrimitive(0) {
                            aki = item.content
                        }
                    default:
                        // RFC 5280 §4.2: unrecognised critical extension → reject the certificate.
                        if critical { throw X509Error.unhandledCriticalExtension(oid.description) }
                    }
                }
            default:
                throw X509Error.malformed("unexpected TBSCertificate field tag \(f.tag)")
            }
        }
        return Certificate(
            der: der, tbsCertificate: tbsElement.encoded, serialNumber: serial,
            issuer: issuerElement.encoded, subject: subjectElement.encoded, subjectCommonName: subjectCN,
            notBefore: notBefore, notAfter: notAfter, publicKey: key, signature: signature,
            basicConstraints: basic, keyUsage: keyUsage, keyUsageIsCritical: keyUsageCritical,
            extendedKeyUsage: eku, subjectAlternativeNames: sans, subjectKeyIdentifier: ski,
            authorityKeyIdentifier: aki)
    }

    private init(
        der: [UInt8], tbsCertificate: [UInt8], serialNumber: [UInt8], issuer: [UInt8], subject: [UInt8],
        subjectCommonName: String?, notBefore: Int64, notAfter: Int64, publicKey: [UInt8], signature: [UInt8],
        basicConstraints: BasicConstraints?, keyUsage: KeyUsage?, keyUsageIsCritical: Bool,
        extendedKeyUsage: [ObjectIdentifier]?, subjectAlternativeNames: [GeneralName],
        subjectKeyIdentifier: [UInt8]?, authorityKeyIdentifier: [UInt8]?
    ) {
        self.der = der
        self.tbsCertificate = tbsCertificate
        self.serialNumber = serialNumber
        self.issuer = issuer
        self.subject = subject
        self.subjectCommonName = subjectCommonName
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.publicKey = publicKey
        self.signature = signature
        self.basicConstraints = basicConstraints
        self.keyUsage = keyUsage
        self.keyUsageIsCritical = keyUsageIsCritical
        self.extendedKeyUsage = extendedKeyUsage
        self.subjectAlternativeNames = subjectAlternativeNames
        self.subjectKeyIdentifier = subjectKeyIdentifier
        self.authorityKeyIdentifier = authorityKeyIdentifier
    }

    /// RFC 8410 §3: `AlgorithmIdentifier { id-Ed25519 }` with parameters absent.
    private static func checkEd25519AlgorithmIdentifier(_ e: DERElement) throws {
        let parts = try e.sequence()
        guard let first = parts.first else { throw X509Error.malformed("AlgorithmIdentifier") }
        let oid = try first.objectIdentifier()
        guard oid == .ed25519 else { throw X509Error.unsupportedAlgorithm(oid.description) }
        guard parts.count == 1 else { throw X509Error.malformed("Ed25519 parameters must be absent") }
    }

    /// The first commonName in a Name (SEQUENCE OF SET OF AttributeTypeAndValue).
    private static func commonName(of name: DERElement) throws -> String? {
        var cn: String? = nil
        for rdn in try name.sequence() {
            for atv in try rdn.expect(DER.Tag.set).children() {
                let pair = try atv.sequence()
                guard pair.count == 2 else { throw X509Error.malformed("AttributeTypeAndValue") }
                if try pair[0].objectIdentifier() == .commonName, cn == nil { cn = try pair[1].string() }
            }
        }
        return cn
    }

    /// Whether `now` lies in notBefore...notAfter (RFC 5280 §4.1.2.5, inclusive).
    public func isValid(at now: Int64) -> Bool { notBefore <= now && now <= notAfter }

    /// Whether `issuerKey` signed this certificate (strict Ed25519 verification).
    public func isSigned(by issuerKey: [UInt8]) -> Bool {
        guard let key = try? Ed25519.PublicKey(rawRepresentation: issuerKey) else { return false }
        return key.isValidSignature(signature, for: tbsCertificate)
    }

    /// Whether the already-imported `issuerKey` signed this certificate.
    public func isSigned(by issuerKey: Ed25519.PublicKey) -> Bool {
        issuerKey.isValidSignature(signature, for: tbsCertificate)
    }

    /// Whether the subject and issuer names are equal and the certificate verifies under its own key.
    public var isSelfSigned: Bool { subject == issuer && isSigned(by: publicKey) }

    /// The URI SANs.
    public var uris: [String] {
        subjectAlternativeNames.compactMap { if case .uri(let u) = $0 { return u } else { return nil } }
    }

    /// The DNS SANs.
    public var dnsNames: [String] {
        subjectAlternativeNames.compactMap { if case .dns(let d) = $0 { return d } else { return nil } }
    }
}
