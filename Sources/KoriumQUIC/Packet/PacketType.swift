/// What kind of QUIC packet a header introduces (RFC 9000 §17).
public enum PacketType: UInt8, Sendable, Hashable, CaseIterable {
    /// Long header, type 0x0 (§17.2.2): carries the first CRYPTO frames, may carry a token.
    case initial
    /// Long header, type 0x1 (§17.2.3): early data.
    case zeroRTT
    /// Long header, type 0x2 (§17.2.4): the rest of the handshake.
    case handshake
    /// Long header, type 0x3 (§17.2.5): a server's stateless Retry; not protected, no packet number.
    case retry
    /// Long header with version 0 (§17.2.1, RFC 8999 §6).
    case versionNegotiation
    /// A long header of a version this endpoint does not implement; only the RFC 8999
    /// invariants (version, connection IDs) were parsed.
    case unsupportedVersion
    /// Short header (§17.3): 1-RTT packets.
    case oneRTT

    /// The 2-bit Long Packet Type for QUIC v1 (RFC 9000 §17.2, Table 5), nil for other kinds.
    @inlinable
    public var longTypeBits: UInt8? {
        switch self {
        case .initial: return 0
        case .zeroRTT: return 1
        case .handshake: return 2
        case .retry: return 3
        case .versionNegotiation, .unsupportedVersion, .oneRTT: return nil
        }
    }

    /// Whether packets of this kind carry a packet number and protected payload.
    @inlinable
    public var isProtected: Bool {
        switch self {
        case .initial, .zeroRTT, .handshake, .oneRTT: return true
        case .retry, .versionNegotiation, .unsupportedVersion: return false
        }
    }

    /// Whether the header is a long header.
    @inlinable
    public var isLongHeader: Bool { self != .oneRTT }
}

/// The three packet-number spaces (RFC 9000 §12.3). 0-RTT and 1-RTT share `.applicationData`.
public enum PacketNumberSpace: Int, Sendable, Hashable, CaseIterable {
    /// Initial packets.
    case initial = 0
    /// Handshake packets.
    case handshake = 1
    /// 0-RTT and 1-RTT packets.
    case applicationData = 2
}

extension PacketType {
    /// The packet-number space of a protected packet type; nil for Retry, Version Negotiation
    /// and unsupported versions.
    @inlinable
    public var packetNumberSpace: PacketNumberSpace? {
        switch self {
        case .initial: return .initial
        case .handshake: return .handshake
        case .zeroRTT, .oneRTT: return .applicationData
        case .retry, .versionNegotiation, .unsupportedVersion: return nil
        }
    }
}
