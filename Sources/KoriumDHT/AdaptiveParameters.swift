/// Adaptive k and α from the last `QUERY_STATS_WINDOW` contact outcomes
/// (korium-constants.md, "Adaptive k and α"): with failure rate f,
/// k = clamp(10 + round(20·f), 10, 30) and α = clamp(2 + round(3·f), 2, 5).
///
/// Until `minOutcomesForAdaptation` outcomes have been seen, the defaults (20, 3) apply.
/// swift-korium addition: outcomes older than `outcomeMaxAge` leave the window, so a node that
/// went quiet after a churn spike does not keep the spike's k and α for hours; with no recent
/// outcome the failure rate is 0.
public struct AdaptiveParameters: Sendable {
    private var outcomes: [Bool]
    private var times: [DHTInstant]
    private var nextSlot = 0
    private var filled = 0
    private var failures = 0
    private var everSeen = 0

    /// An empty window.
    public init() {
        outcomes = Array(repeating: true, count: DHTLimits.queryStatsWindow)
        times = Array(repeating: .zero, count: DHTLimits.queryStatsWindow)
    }

    /// Records one request outcome at `now` (a response is a success; a timeout a failure).
    public mutating func record(success: Bool, now: DHTInstant) {
        expire(now: now)
        if filled == outcomes.count {
            if !outcomes[nextSlot] { failures -= 1 }
        } else {
            filled += 1
        }
        outcomes[nextSlot] = success
        times[nextSlot] = now
        if !success { failures += 1 }
        nextSlot = (nextSlot + 1) % outcomes.count
        if everSeen < DHTLimits.minOutcomesForAdaptation { everSeen += 1 }
    }

    /// Drops outcomes older than `outcomeMaxAge`.
    public mutating func expire(now: DHTInstant) {
        while filled > 0 {
            let oldest = (nextSlot - filled + outcomes.count) % outcomes.count
            guard now - times[oldest] > DHTLimits.outcomeMaxAge else { return }
            if !outcomes[oldest] { failures -= 1 }
            filled -= 1
        }
    }

    /// Heap bytes of the window.
    var heapBytes: Int { HeapSize.array(outcomes) + HeapSize.array(times) }

    /// Outcomes in the window.
    public var sampleCount: Int { filled }

    /// Fraction of failures in the window (0 when empty).
    public var failureRate: Double { filled == 0 ? 0 : Double(failures) / Double(filled) }

    /// The current bucket size and replication factor.
    public var k: Int {
        everSeen < DHTLimits.minOutcomesForAdaptation ? DHTLimits.defaultK : DHTLimits.adaptiveK(failureRate: failureRate)
    }

    /// The current lookup parallelism.
    public var alpha: Int {
        everSeen < DHTLimits.minOutcomesForAdaptation
            ? DHTLimits.defaultAlpha : DHTLimits.adaptiveAlpha(failureRate: failureRate)
    }
}
