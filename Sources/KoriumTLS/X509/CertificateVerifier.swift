import KoriumCrypto

/// The authenticated identity of a TLS peer.
public struct PeerIdentity: Sendable, Hashable {
    /// The peer's Ed25519 public key (the node identity in peer-to-peer mode).
    public let publicKey: [UInt8]
    /// The leaf's SPIFFE ID when the leaf is an X509-SVID.
    public let spiffeID: SPIFFEID?
    /// The certificates the peer sent, leaf first, DER.
    public let certificateChain: [[UInt8]]
    /// The leaf key once imported (validated) by the verifier, so the CertificateVerify check
    /// does not validate the same point again (it is as expensive as a signature check).
    let importedKey: Ed25519.PublicKey?

    init(publicKey: [UInt8], spiffeID: SPIFFEID?, certificateChain: [[UInt8]], importedKey: Ed25519.PublicKey? = nil) {
        self.publicKey = publicKey
        self.spiffeID = spiffeID
        self.certificateChain = certificateChain
        self.importedKey = importedKey
    }

    /// Identities are equal when key, SPIFFE ID and chain are (the cached import is not identity).
    public static func == (a: PeerIdentity, b: PeerIdentity) -> Bool {
        a.publicKey == b.publicKey && a.spiffeID == b.spiffeID && a.certificateChain == b.certificateChain
    }

    /// Hashes the same fields as `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(publicKey)
        hasher.combine(spiffeID)
        hasher.combine(certificateChain)
    }
}

/// How the leaf of a CA-mode chain must look.
public enum LeafPolicy: Sendable, Hashable {
    /// Any end-entity certificate: not a CA; if keyUsage is present it has digitalSignature.
    case generic
    /// An X509-SVID (SPIFFE X509-SVID §4–5): exactly one URI SAN, a SPIFFE ID with a non-root
    /// path (in `trustDomain` if given), cA FALSE, critical keyUsage with digitalSignature and
    /// without keyCertSign/cRLSign.
    case spiffe(trustDomain: String?)
}

/// Certificate path validation for the two authentication modes (DESIGN.md: identity = key).
public enum CertificateVerifier {
    /// The most certificates a path may have, anchor excluded.
    public static let maxChainLength = CertificateMessage.maxEntries

    /// Peer-to-peer mode: exactly one self-signed certificate, valid at `now`; its key is the
    /// identity, and must equal `expectedKey` when one is given. With a `cache`, a certificate
    /// verified before (same DER bytes) skips parsing, the signature check and the key import;
    /// validity and `expectedKey` are checked as for a new one, so the outcome is the same.
    public static func verifySelfSigned(
        chain: [[UInt8]], expectedKey: [UInt8]?, now: Int64, cache: VerifiedCertificateCache? = nil
    ) throws(X509Error) -> PeerIdentity {
        guard chain.count == 1 else { throw .malformed("peer-to-peer mode expects one self-signed certificate, got \(chain.count)") }
        if let cache, let hit = cache.lookup(chain[0]) {
            guard hit.notBefore <= now && now <= hit.notAfter else { throw .expired }
            if let expected = expectedKey, expected != hit.publicKey { throw .unexpectedKey }
            return PeerIdentity(publicKey: hit.publicKey, spiffeID: hit.spiffeID, certificateChain: chain, importedKey: hit.importedKey)
        }
        let cert = try Certificate(der: chain[0])
        guard cert.isValid(at: now) else { throw .expired }
        if let expected = expectedKey, expected != cert.publicKey { throw .unexpectedKey }
        guard let key = try? Ed25519.PublicKey(rawRepresentation: cert.publicKey), cert.isSigned(by: key) else {
            throw .badSignature
        }
        let spiffeID = spiffeIDIfAny(cert)
        cache?.insert(chain[0], .init(publicKey: cert.publicKey, importedKey: key, spiffeID: spiffeID,
                                      notBefore: cert.notBefore, notAfter: cert.notAfter))
        return PeerIdentity(publicKey: cert.publicKey, spiffeID: spiffeID, certificateChain: chain, importedKey: key)
    }

    /// CA mode: a path from the leaf (`chain[0]`) through the other certificates to one of
    /// `trustAnchors` (RFC 5280 §6.1, simplified to what Ed25519 PKIs use: name chaining by
    /// exact DER, signatures, validity at `now`, basicConstraints cA and pathLenConstraint,
    /// keyUsage keyCertSign for issuers, the leaf policy for the end entity).
    public static func verifyChain(chain: [[UInt8]], trustAnchors: [Certificate], leafPolicy: LeafPolicy, now: Int64) throws(X509Error) -> PeerIdentity {
        guard !chain.isEmpty else { throw .malformed("empty certificate chain") }
        guard chain.count <= maxChainLength else { throw .chainTooLong }
        var certs: [Certificate] = []
        for der in chain { certs.append(try Certificate(der: der)) }
        let leaf = certs[0]
        guard leaf.isValid(at: now) else { throw .expired }
        let spiffeID = try checkLeaf(leaf, policy: leafPolicy)

        var current = leaf
        var intermediatesBelow = 0
        var pool = Array(certs.dropFirst())
        for _ in 0...maxChainLength {
            // A trust anchor that issued `current` ends the path.
            for anchor in trustAnchors where anchor.subject == current.issuer && current.isSigned(by: anchor.publicKey) {
                guard anchor.isValid(at: now) else { throw .expired }
                try checkIssuer(anchor, intermediatesBelow: intermediatesBelow)
                return PeerIdentity(publicKey: leaf.publicKey, spiffeID: spiffeID, certificateChain: chain)
            }
            guard let index = pool.firstIndex(where: { $0.subject == current.issuer && current.isSigned(by: $0.publicKey) }) else {
                if pool.contains(where: { $0.subject == current.issuer }) {
                    throw .badSignature
                }
                throw .unknownIssuer
            }
            let issuer = pool.remove(at: index)
            guard issuer.isValid(at: now) else { throw .expired }
            try checkIssuer(issuer, intermediatesBelow: intermediatesBelow)
            intermediatesBelow += 1
            current = issuer
        }
        throw .chainTooLong
    }

    /// RFC 5280 §4.2.1.9 / §4.2.1.3: an issuer must be a CA allowed to sign certificates, with a
    /// path length constraint not smaller than the intermediates below it.
    static func checkIssuer(_ cert: Certificate, intermediatesBelow: Int) throws(X509Error) {
        guard let bc = cert.basicConstraints, bc.isCA else { throw .notAuthorized("issuer is not a CA") }
        if let usage = cert.keyUsage, !usage.contains(.keyCertSign) {
            throw .notAuthorized("issuer lacks keyCertSign")
        }
        if let max = bc.pathLength, intermediatesBelow > max {
            throw .notAuthorized("pathLenConstraint exceeded")
        }
        // SPIFFE X509-SVID §3.2: a signing certificate's SPIFFE ID has no path.
        for uri in cert.uris where uri.hasPrefix("spiffe://") {
            let id = try SPIFFEID(uri)
            guard id.path.isEmpty else { throw .spiffe("signing certificate ID has a path") }
        }
    }

    static func checkLeaf(_ leaf: Certificate, policy: LeafPolicy) throws(X509Error) -> SPIFFEID? {
        if let bc = leaf.basicConstraints, bc.isCA { throw .notAuthorized("leaf is a CA") }
        if let usage = leaf.keyUsage, !usage.contains(.digitalSignature) {
            throw .notAuthorized("leaf lacks digitalSignature")
        }
        if let eku = leaf.extendedKeyUsage, !eku.contains(.serverAuth) && !eku.contains(.clientAuth) {
            throw .notAuthorized("leaf extKeyUsage allows neither serverAuth nor clientAuth")
        }
        switch policy {
        case .generic:
            return spiffeIDIfAny(leaf)
        case .spiffe(let trustDomain):
            let uris = leaf.uris
            // X509-SVID §2: exactly one URI SAN; validators MUST reject more than one.
            guard uris.count == 1 else { throw .spiffe("expected exactly one URI SAN, found \(uris.count)") }
            let id = try SPIFFEID(uris[0])
            // X509-SVID §5.2: cA false, no keyCertSign/cRLSign, non-root path.
            guard let bc = leaf.basicConstraints, !bc.isCA else { throw .spiffe("leaf must have basicConstraints cA FALSE") }
            guard let usage = leaf.keyUsage, leaf.keyUsageIsCritical else { throw .spiffe("keyUsage must be present and critical") }
            guard usage.contains(.digitalSignature), !usage.contains(.keyCertSign), !usage.contains(.cRLSign) else {
                throw .spiffe("leaf keyUsage must be digitalSignature without keyCertSign/cRLSign")
            }
            guard !id.path.isEmpty else { throw .spiffe("leaf SPIFFE ID must have a path") }
            if let eku = leaf.extendedKeyUsage, !(eku.contains(.serverAuth) && eku.contains(.clientAuth)) {
                throw .spiffe("extKeyUsage must include serverAuth and clientAuth")
            }
            if let td = trustDomain, id.trustDomain != td { throw .spiffe("trust domain \(id.trustDomain) is not \(td)") }
            return id
        }
    }

    static func spiffeIDIfAny(_ cert: Certificate) -> SPIFFEID? {
        let uris = cert.uris
        guard uris.count == 1 else { return nil }
        return try? SPIFFEID(uris[0])
    }
}
