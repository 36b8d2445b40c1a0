/// A path the peer moved to that we have not validated yet (RFC 9000 §8.2, §9.3): the
/// PATH_CHALLENGE we owe or sent on it, the bytes it carried each way (RFC 9000 §9.3.1: the
/// anti-amplification limit applies to an unvalidated new path too), the last validated address
/// to fall back to, and the validation deadline (RFC 9000 §8.2.4).
struct PathValidation: Sendable {
    /// The last validated peer address (RFC 9000 §9.3.2: reverted to if validation fails).
    let previousAddress: PathAddress
    /// The 8 random bytes of our PATH_CHALLENGE (RFC 9000 §8.2.1), big-endian as on the wire.
    let challengeData: UInt64
    /// A PATH_CHALLENGE must go out in the next 1-RTT packet.
    var challengePending = true
    /// When the last PATH_CHALLENGE was sent (it is resent once per PTO until the deadline).
    var challengeSentAt: Instant?
    /// RFC 9000 §8.2.4: validation is abandoned at this instant.
    let deadline: Instant
    /// UDP payload bytes received from / sent to the new address while unvalidated.
    var bytesReceived: Int
    var bytesSent = 0

    /// RFC 9000 §9.3.1 / §8.1: until validated, at most three times the bytes received.
    var sendAllowance: Int { Swift.max(0, 3 * bytesReceived - bytesSent) }
}

extension PathAddress {
    /// Whether `other` differs only in the port (a NAT rebinding that keeps the address: RFC
    /// 9000 §9.4 lets the congestion state survive it).
    func differsOnlyInPort(from other: PathAddress) -> Bool {
        isIPv6 == other.isIPv6 && high == other.high && low == other.low
    }
}

extension Frame {
    /// RFC 9000 §9.1: PATH_CHALLENGE, PATH_RESPONSE, NEW_CONNECTION_ID and PADDING are probing
    /// frames; a packet with any other frame is non-probing and can move the connection.
    var isProbing: Bool {
        switch self {
        case .padding, .pathChallenge, .pathResponse, .newConnectionID: return true
        default: return false
        }
    }
}
