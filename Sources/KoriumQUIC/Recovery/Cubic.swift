/// CUBIC congestion control (RFC 9438) on the RFC 9002 framework: slow start as NewReno,
/// then the cubic window function `W_cubic(t) = C (t − K)^3 + W_max` with the Reno-friendly
/// estimate, fast convergence and β_cubic = 0.7.
public struct Cubic: CongestionController {
    /// RFC 9438 §4.1: C = 0.4 (segments / s³).
    public static let c = 0.4
    /// RFC 9438 §4.6: β_cubic = 0.7.
    public static let beta = 0.7
    /// RFC 9438 §4.3: α_cubic = 3 (1 − β) / (1 + β) for the Reno-friendly region.
    public static let alpha = 3 * (1 - beta) / (1 + beta)

    /// Window constants (the datagram size follows PMTU discovery).
    public private(set) var constants: CongestionConstants
    /// The congestion window in bytes.
    public private(set) var congestionWindow: Int
    /// The slow-start threshold; `Int.max` until the first congestion event.
    public private(set) var slowStartThreshold = Int.max
    /// Start of the current recovery period.
    public private(set) var recoveryStartTime: Instant?
    /// W_max in bytes: the window before the last reduction.
    public private(set) var windowMax: Double = 0
    /// W_last_max for fast convergence (RFC 9438 §4.7).
    var lastWindowMax: Double = 0
    /// t_epoch: when the current congestion-avoidance stage began; nil until it does.
    var epochStart: Instant?
    /// K in seconds.
    var k: Double = 0
    /// W_est in bytes (RFC 9438 §4.3).
    var renoEstimate: Double = 0
    /// cwnd_epoch in bytes.
    var epochWindow: Double = 0

    /// A controller at the initial window.
    public init(constants: CongestionConstants = CongestionConstants()) {
        self.constants = constants
        congestionWindow = constants.initialWindow
    }

    /// Whether the window is below the slow-start threshold.
    @inlinable
    public var isInSlowStart: Bool { congestionWindow < slowStartThreshold }

    func isInRecovery(sentTime: Instant) -> Bool {
        guard let start = recoveryStartTime else { return false }
        return sentTime <= start
    }

    /// Nothing to do: bytes in flight are counted by loss detection.
    public mutating func onPacketSent(bytes: Int, now: Instant) {}

    /// RFC 9002 §7.2: a new maximum datagram size. The cubic function counts in segments, so
    /// the current congestion-avoidance epoch restarts with the new segment size.
    public mutating func setMaxDatagramSize(_ size: Int) {
        constants.maxDatagramSize = size
        congestionWindow = Swift.max(congestionWindow, constants.minimumWindow)
        epochStart = nil
    }

    /// RFC 9438 §4.1: `W_cubic(t)` in bytes, `t` in seconds since the epoch.
    public func cubicWindow(secondsSinceEpoch t: Double) -> Double {
        let segment = Double(constants.maxDatagramSize)
        let d = t - k
        return (Self.c * d * d * d) * segment + windowMax
    }

    /// RFC 9438 §4.2–§4.4 on each acknowledgment in congestion avoidance.
    public mutating func onPacketAcked(bytes: Int, sentTime: Instant, isAppLimited: Bool, rtt: RTTEstimator, now: Instant) {
        guard !isAppLimited, !isInRecovery(sentTime: sentTime) else { return }
        if isInSlowStart {
            congestionWindow += bytes
            return
        }
        let segment = Double(constants.maxDatagramSize)
        let cwnd = Double(congestionWindow)
        if epochStart == nil {
            // A congestion-avoidance stage without a prior loss (slow start ended by ssthresh):
            // RFC 9438 §4.8 starts the epoch with W_max = cwnd, K = 0.
            epochStart = now
            epochWindow = cwnd
            renoEstimate = cwnd
            if windowMax < cwnd { windowMax = cwnd; k = 0 } else {
                k = cbrt((windowMax - cwnd) / segment / Self.c)
            }
        }
        let t = Double((now - epochStart!).nanoseconds) / 1e9
        let rttSeconds = Double(rtt.smoothed.nanoseconds) / 1e9
        // RFC 9438 §4.3: W_est += α × segments_acked / cwnd (in segments).
        renoEstimate += Self.alpha * Double(bytes) / cwnd * segment
        // RFC 9438 §4.2: target = W_cubic(t + RTT), clamped to [cwnd, 1.5 cwnd].
        let target = Swift.min(Swift.max(cubicWindow(secondsSinceEpoch: t + rttSeconds), cwnd), 1.5 * cwnd)
        if cubicWindow(secondsSinceEpoch: t) < renoEstimate {
            // RFC 9438 §4.3: Reno-friendly region.
            congestionWindow = Swift.max(congestionWindow, Int(renoEstimate))
        } else {
            // RFC 9438 §4.4/§4.5: grow by (target − cwnd) / cwnd per acknowledged segment.
            let increase = (target - cwnd) / cwnd * Double(bytes)
            congestionWindow += Swift.max(0, Int(increase))
        }
    }

    /// RFC 9438 §4.6–§4.7: multiplicative decrease by β with fast convergence, once per
    /// recovery period.
    public mutating func onCongestionEvent(sentTime: Instant, now: Instant) {
        guard !isInRecovery(sentTime: sentTime) else { return }
        recoveryStartTime = now
        let cwnd = Double(congestionWindow)
        // RFC 9438 §4.7: fast convergence releases bandwidth when W_max keeps falling.
        if cwnd < lastWindowMax {
            lastWindowMax = cwnd
            windowMax = cwnd * (1 + Self.beta) / 2
        } else {
            lastWindowMax = cwnd
            windowMax = cwnd
        }
        let reduced = Swift.max(Int((cwnd * Self.beta).rounded()), constants.minimumWindow)
        slowStartThreshold = reduced
        congestionWindow = reduced
        epochStart = now
        epochWindow = Double(reduced)
        renoEstimate = Double(reduced)
        let segment = Double(constants.maxDatagramSize)
        // RFC 9438 §4.2: K = cbrt((W_max − cwnd_epoch) / C), in segments.
        k = cbrt(Swift.max(0, windowMax - epochWindow) / segment / Self.c)
    }

    /// RFC 9438 §4.8 / RFC 9002 §7.6.2: back to the minimum window and slow start.
    public mutating func onPersistentCongestion() {
        congestionWindow = constants.minimumWindow
        recoveryStartTime = nil
        epochStart = nil
        windowMax = 0
        lastWindowMax = 0
    }
}

/// Cube root (no Foundation in library targets): Newton's method from a power-of-two guess.
@usableFromInline
func cbrt(_ x: Double) -> Double {
    guard x > 0 else { return 0 }
    var y = Double(sign: .plus, exponent: x.exponent / 3, significand: 1)
    for _ in 0..<60 {
        let next = y - (y * y * y - x) / (3 * y * y)
        if abs(next - y) <= 1e-12 * y { return next }
        y = next
    }
    return y
}
