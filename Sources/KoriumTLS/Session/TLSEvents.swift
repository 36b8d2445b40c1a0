import KoriumCrypto

/// QUIC encryption levels, i.e. the epochs handshake bytes travel in (RFC 9001 §4).
public enum EncryptionLevel: Int, Sendable, Hashable, Comparable, CaseIterable {
    /// Initial packets (ClientHello, ServerHello, HelloRetryRequest).
    case initial = 0
    /// 0-RTT packets (no handshake data; not used by this implementation).
    case earlyData = 1
    /// Handshake packets.
    case handshake = 2
    /// 1-RTT packets (post-handshake messages such as NewSessionTicket).
    case application = 3

    /// Orders levels as they are reached.
    public static func < (a: EncryptionLevel, b: EncryptionLevel) -> Bool { a.rawValue < b.rawValue }
}

/// Both directions' traffic secrets for one encryption level.
public struct TrafficSecrets: Sendable {
    /// The negotiated cipher suite.
    public let cipherSuite: CipherSuite
    /// The client's write secret (the server's read secret).
    public let client: SecureBytes
    /// The server's write secret (the client's read secret).
    public let server: SecureBytes

    /// Our write secret given our role.
    public func local(isClient: Bool) -> SecureBytes { isClient ? client : server }
    /// Our read secret given our role.
    public func remote(isClient: Bool) -> SecureBytes { isClient ? server : client }
}

/// New keys returned by ``TLSSession/writeHandshake(into:)``: handshake bytes written after it
/// belong to the new level (quinn's `KeyChange`).
public enum KeyChange: Sendable {
    /// Handshake-level secrets (after ServerHello).
    case handshake(TrafficSecrets)
    /// 1-RTT secrets, generation 0 (after the server's Finished).
    case oneRTT(TrafficSecrets)

    /// The level the secrets protect.
    public var level: EncryptionLevel {
        switch self {
        case .handshake: return .handshake
        case .oneRTT: return .application
        }
    }

    /// The secrets.
    public var secrets: TrafficSecrets {
        switch self {
        case .handshake(let s), .oneRTT(let s): return s
        }
    }
}

/// Things the handshake learned, in the order it learned them.
public enum TLSEvent: Sendable, Equatable {
    /// The negotiated ALPN protocol.
    case alpnNegotiated([UInt8])
    /// The peer's quic_transport_parameters extension body, for QUIC to decode.
    case peerTransportParameters([UInt8])
    /// The peer proved possession of the key in its (verified) certificate.
    case peerAuthenticated(PeerIdentity)
    /// The handshake is complete (client: after sending Finished; server: after verifying the
    /// client's Finished).
    case handshakeComplete
}
