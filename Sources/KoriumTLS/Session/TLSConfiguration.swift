import KoriumCrypto

/// How a session authenticates its peer's certificate.
public enum PeerVerification: Sendable {
    /// Peer-to-peer mode: the peer presents one self-signed Ed25519 certificate whose key is its
    /// identity; `expectedKey` (32 bytes) pins a specific identity when known (dialing a node ID).
    case selfSigned(expectedKey: [UInt8]?)
    /// CA mode: an Ed25519 chain to one of `trustAnchors`, leaf checked against `leafPolicy`.
    case certificateAuthority(trustAnchors: [Certificate], leafPolicy: LeafPolicy)
}

/// Whether a server asks the client for a certificate (mutual TLS).
public enum ClientAuthentication: Sendable, Hashable {
    /// No CertificateRequest is sent.
    case none
    /// A CertificateRequest is sent; an empty client Certificate is accepted (no identity).
    case optional
    /// A CertificateRequest is sent; no certificate → `certificate_required` (RFC 8446 §4.4.2.4).
    case required
}

/// Everything a ``TLSSession`` needs besides the transport parameters and the clock.
public struct TLSConfiguration: Sendable {
    /// Our Ed25519 key (the node identity in peer-to-peer mode). A client without a key sends
    /// an empty Certificate if asked for one; a server must have one.
    public var privateKey: Ed25519.PrivateKey?
    /// Our certificate chain, DER, leaf first; the leaf's key must be ``privateKey``'s.
    public var certificateChain: [[UInt8]]
    /// How the peer's certificate is verified.
    public var peerVerification: PeerVerification
    /// ALPN protocols, in preference order. QUIC requires ALPN (RFC 9001 §8.1).
    public var alpnProtocols: [[UInt8]]
    /// Cipher suites in preference order. Default: ChaCha20-Poly1305 first (DESIGN.md).
    public var cipherSuites: [CipherSuite] = CipherSuite.defaultPreference
    /// Server: pick the suite by the client's order instead of ours.
    public var preferClientCipherSuiteOrder: Bool = false
    /// Client: the server_name (SNI) to send; servers ignore it.
    public var serverName: String?
    /// Server: whether to request a client certificate.
    public var clientAuthentication: ClientAuthentication = .none
    /// Client: send an X25519 key share in the first ClientHello. `false` sends an empty
    /// key_share list, so the server answers with a HelloRetryRequest (RFC 8446 §4.2.8).
    public var offerKeyShareInFirstFlight: Bool = true
    /// Receives an SSLKEYLOGFILE line per secret; `nil` disables key logging.
    public var keyLog: KeyLogSink?
    /// Peer-to-peer mode: self-signed peer certificates verified before, shared by the sessions
    /// made from copies of this configuration (a client dialling the same peers, a server
    /// seeing the same clients); `nil` verifies every certificate in full.
    public var verifiedCertificates: VerifiedCertificateCache? = VerifiedCertificateCache()
    /// Source of randomness (hello random, X25519 keys). Tests inject a seeded generator.
    public var randomBytes: @Sendable (Int) -> [UInt8] = { SecureRandom.bytes($0) }

    /// A configuration with our identity, the peer verification mode and the ALPN list.
    public init(
        privateKey: Ed25519.PrivateKey?, certificateChain: [[UInt8]], peerVerification: PeerVerification,
        alpnProtocols: [[UInt8]]
    ) {
        self.privateKey = privateKey
        self.certificateChain = certificateChain
        self.peerVerification = peerVerification
        self.alpnProtocols = alpnProtocols
    }

    /// Peer-to-peer mode in one call: a fresh self-signed certificate for `identity` (valid from
    /// an hour before `now` for `validity` seconds, SAN `dnsName`), peers verified by their
    /// self-signature and, when given, pinned to `expectedPeerKey`.
    public static func peerToPeer(
        identity: Ed25519.PrivateKey, now: Int64, validity: Int64 = 365 * 86_400, dnsName: String = "korium.invalid",
        expectedPeerKey: [UInt8]? = nil, alpnProtocols: [[UInt8]] = [Array("korium".utf8)]
    ) -> TLSConfiguration {
        let cert = CertificateBuilder.leaf(commonName: nil, names: [.dns(dnsName)], notBefore: now - 3600, notAfter: now + validity)
            .selfSigned(key: identity)
        return TLSConfiguration(privateKey: identity, certificateChain: [cert.der],
                                peerVerification: .selfSigned(expectedKey: expectedPeerKey), alpnProtocols: alpnProtocols)
    }
}
