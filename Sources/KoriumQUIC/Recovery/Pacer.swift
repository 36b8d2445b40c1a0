/// A token-bucket pacer (RFC 9002 §7.7): spreads a window over the RTT at
/// `rate = N × cwnd / smoothed_rtt` with N = 5/4, allowing bursts of up to ``burstDatagrams``
/// datagrams, so that a large window does not leave as one line-rate burst.
public struct Pacer: Sendable, Hashable {
    /// The burst allowance in datagrams (RFC 9002 §7.7 suggests a small initial burst).
    public static let burstDatagrams = 10
    /// Tokens (bytes) available now.
    public private(set) var tokens: Int
    /// When tokens were last refilled.
    var lastRefill: Instant?

    /// A full bucket for `maxDatagramSize`.
    public init(maxDatagramSize: Int = 1200) {
        tokens = Self.burstDatagrams * maxDatagramSize
    }

    /// The bucket size for a window: at least two datagrams, at most ``burstDatagrams``.
    @inlinable
    static func capacity(window: Int, maxDatagramSize: Int) -> Int {
        Swift.max(2 * maxDatagramSize, Swift.min(window, burstDatagrams * maxDatagramSize))
    }

    /// Adds the tokens earned since the last call: `1.25 × window / smoothedRTT` per unit time.
    mutating func refill(now: Instant, window: Int, smoothedRTT: Duration, maxDatagramSize: Int) {
        let capacity = Self.capacity(window: window, maxDatagramSize: maxDatagramSize)
        defer { lastRefill = now }
        guard let last = lastRefill, now > last else {
            tokens = Swift.min(tokens, capacity)
            return
        }
        let rttNanos = Swift.max(smoothedRTT.nanoseconds, 1)
        let elapsed = (now - last).nanoseconds
        // bytes = 5/4 × window × elapsed / rtt, computed in Double to avoid overflow.
        let earned = 1.25 * Double(window) * Double(elapsed) / Double(rttNanos)
        tokens = Int(Swift.min(Double(capacity), Double(tokens) + earned))
    }

    /// When a datagram of `bytes` may be sent: nil means now. Call ``onSent(bytes:)`` after
    /// sending it.
    public mutating func nextSendTime(bytes: Int, now: Instant, window: Int, smoothedRTT: Duration, maxDatagramSize: Int) -> Instant? {
        refill(now: now, window: window, smoothedRTT: smoothedRTT, maxDatagramSize: maxDatagramSize)
        guard tokens < bytes else { return nil }
        let missing = Double(bytes - tokens)
        let rate = 1.25 * Double(Swift.max(window, 1)) / Double(Swift.max(smoothedRTT.nanoseconds, 1))  // bytes per ns
        return now + .nanoseconds(Int64(Swift.min((missing / rate).rounded(.up), 1e15)))
    }

    /// Spends tokens for a sent datagram.
    public mutating func onSent(bytes: Int) {
        tokens = Swift.max(0, tokens - bytes)
    }
}
