/// QUIC version numbers (RFC 9000 §15, RFC 8999 §5.1).
public enum QUICVersion {
    /// QUIC version 1 (RFC 9000).
    public static let v1: UInt32 = 0x0000_0001
    /// The version field of a Version Negotiation packet (RFC 8999 §6).
    public static let negotiation: UInt32 = 0
    /// The versions this implementation speaks, in preference order.
    public static let supported: [UInt32] = [v1]

    /// Whether `version` is one we implement.
    @inlinable
    public static func isSupported(_ version: UInt32) -> Bool { version == v1 }

    /// RFC 9000 §15: versions of the form 0x?a?a?a?a are reserved to exercise version
    /// negotiation; an endpoint must never select one.
    @inlinable
    public static func isReserved(_ version: UInt32) -> Bool { version & 0x0f0f_0f0f == 0x0a0a_0a0a }
}
