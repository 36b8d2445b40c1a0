/// The NewReno controller of RFC 9002 §7 and Appendix B: slow start, congestion avoidance,
/// recovery periods, halving on loss.
public struct NewReno: CongestionController, Hashable {
    /// Window constants (the datagram size follows PMTU discovery).
    public private(set) var constants: CongestionConstants
    /// The congestion window in bytes.
    public private(set) var congestionWindow: Int
    /// The slow-start threshold; `Int.max` until the first congestion event.
    public private(set) var slowStartThreshold = Int.max
    /// Start of the current recovery period; nil outside one.
    public private(set) var recoveryStartTime: Instant?
    /// RFC 9002 §7.3.3 / B.5: bytes acknowledged in congestion avoidance not yet turned into window.
    var bytesAcked = 0

    /// RFC 9002 §B.2: kLossReductionFactor = 0.5.
    public static let lossReductionNumerator = 1
    /// Denominator of kLossReductionFactor.
    public static let lossReductionDenominator = 2

    /// A controller at the initial window.
    public init(constants: CongestionConstants = CongestionConstants()) {
        self.constants = constants
        congestionWindow = constants.initialWindow
    }

    /// Whether the window is below the slow-start threshold.
    @inlinable
    public var isInSlowStart: Bool { congestionWindow < slowStartThreshold }

    /// RFC 9002 §B.4: `sent_time <= congestion_recovery_start_time`.
    @inlinable
    func isInRecovery(sentTime: Instant) -> Bool {
        guard let start = recoveryStartTime else { return false }
        return sentTime <= start
    }

    /// Nothing to do: bytes in flight are counted by loss detection.
    public mutating func onPacketSent(bytes: Int, now: Instant) {}

    /// RFC 9002 §B.5: grow by the acknowledged bytes in slow start, by about one datagram per
    /// window in congestion avoidance; never during recovery or when application-limited.
    public mutating func onPacketAcked(bytes: Int, sentTime: Instant, isAppLimited: Bool, rtt: RTTEstimator, now: Instant) {
        guard !isAppLimited, !isInRecovery(sentTime: sentTime) else { return }
        if isInSlowStart {
            congestionWindow += bytes
            return
        }
        // max_datagram_size × acked / cwnd, accumulated so small ACKs still add up.
        bytesAcked += bytes
        if bytesAcked >= congestionWindow {
            bytesAcked -= congestionWindow
            congestionWindow += constants.maxDatagramSize
        }
    }

    /// RFC 9002 §B.6: one reduction per recovery period.
    public mutating func onCongestionEvent(sentTime: Instant, now: Instant) {
        guard !isInRecovery(sentTime: sentTime) else { return }
        recoveryStartTime = now
        slowStartThreshold = congestionWindow * Self.lossReductionNumerator / Self.lossReductionDenominator
        congestionWindow = Swift.max(slowStartThreshold, constants.minimumWindow)
        bytesAcked = 0
    }

    /// RFC 9002 §7.2: a new maximum datagram size; the window never drops below the new minimum.
    public mutating func setMaxDatagramSize(_ size: Int) {
        constants.maxDatagramSize = size
        congestionWindow = Swift.max(congestionWindow, constants.minimumWindow)
    }

    /// RFC 9002 §B.8: collapse to the minimum window and leave recovery.
    public mutating func onPersistentCongestion() {
        congestionWindow = constants.minimumWindow
        recoveryStartTime = nil
        bytesAcked = 0
    }
}
