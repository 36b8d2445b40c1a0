/// The ECN codepoint of a datagram: the low two bits of the IPv4 TOS / IPv6 traffic class
/// (RFC 3168 §5).
public enum ECN: UInt8, Hashable, Sendable {
    /// Not ECN-capable transport.
    case notECT = 0b00
    /// ECN-capable transport, ECT(1).
    case ect1 = 0b01
    /// ECN-capable transport, ECT(0).
    case ect0 = 0b10
    /// Congestion experienced.
    case congestionExperienced = 0b11

    /// The codepoint in a TOS / traffic-class byte.
    public init(trafficClass: UInt8) {
        // Two bits always map to a case.
        self = ECN(rawValue: trafficClass & 0b11) ?? .notECT
    }
}
