/// Round-trip time estimation (RFC 9002 §5).
public struct RTTEstimator: Sendable, Hashable {
    /// RFC 9002 §6.2.2: the initial RTT before any sample, 333 ms.
    public static let initialRTT: Duration = .milliseconds(333)
    /// RFC 9002 §6.1.2: timer granularity, 1 ms.
    public static let granularity: Duration = .milliseconds(1)

    /// The most recent sample (`latest_rtt`).
    public private(set) var latest: Duration
    /// The exponentially weighted average (`smoothed_rtt`).
    public private(set) var smoothed: Duration
    /// The mean deviation (`rttvar`).
    public private(set) var variance: Duration
    /// The minimum over the connection (`min_rtt`), ignoring ACK delay.
    public private(set) var minimum: Duration
    /// When the first sample was taken; nil before.
    public private(set) var firstSampleTime: Instant?

    /// RFC 9002 §5.3: before the first sample, smoothed = initial, rttvar = initial / 2.
    public init(initialRTT: Duration = RTTEstimator.initialRTT) {
        latest = initialRTT
        smoothed = initialRTT
        variance = initialRTT / 2
        minimum = initialRTT
    }

    /// Whether any sample has been taken.
    @inlinable
    public var hasSample: Bool { firstSampleTime != nil }

    /// RFC 9002 §5.3: adds a sample `latestRTT` with the peer's reported `ackDelay`, which is
    /// capped at `maxAckDelay` once the handshake is confirmed, and subtracted only when that
    /// does not take the sample below `min_rtt`.
    public mutating func update(latestRTT: Duration, ackDelay: Duration, maxAckDelay: Duration, handshakeConfirmed: Bool, now: Instant) {
        latest = latestRTT
        guard firstSampleTime != nil else {
            minimum = latestRTT
            smoothed = latestRTT
            variance = latestRTT / 2
            firstSampleTime = now
            return
        }
        minimum = Swift.min(minimum, latestRTT)
        let delay = handshakeConfirmed ? Swift.min(ackDelay, maxAckDelay) : ackDelay
        var adjusted = latestRTT
        if latestRTT >= minimum + delay { adjusted = latestRTT - delay }
        let deviation = smoothed > adjusted ? smoothed - adjusted : adjusted - smoothed
        variance = variance.scaled(3, 4) + deviation.scaled(1, 4)
        smoothed = smoothed.scaled(7, 8) + adjusted.scaled(1, 8)
    }

    /// RFC 9002 §6.2.1: `smoothed_rtt + max(4 × rttvar, kGranularity)`, without max_ack_delay.
    @inlinable
    public var probeTimeoutBase: Duration { smoothed + Swift.max(variance * 4, Self.granularity) }

    /// RFC 9002 §6.1.2: `max(kTimeThreshold × max(smoothed_rtt, latest_rtt), kGranularity)`
    /// with kTimeThreshold = 9/8.
    @inlinable
    public var lossDelay: Duration { Swift.max(Swift.max(smoothed, latest).scaled(9, 8), Self.granularity) }
}
