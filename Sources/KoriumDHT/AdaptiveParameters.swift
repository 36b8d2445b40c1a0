/// Adaptive k and α from the last `QUERY_STATS_WINDOW` contact outcomes
/// (korium-constants.md, "Adaptive k and α"): with failure rate f,
/// k = clamp(10 + round(20·f), 10, 30) and α = clamp(2 + round(3·f), 2, 5).
/// Until `minOutcomesForAdaptation` outcomes are in, the defaults (20, 3) apply.
public struct AdaptiveParameters: Sendable {
    private var window: [Bool]
    private var nextSlot = 0
    private var filled = 0
    private var failures = 0

    /// An empty window.
    public init() {
        window = Array(repeating: true, count: DHTLimits.queryStatsWindow)
    }

    /// Records one request outcome (a response is a success; a timeout a failure).
    public mutating func record(success: Bool) {
        if filled == window.count {
            if !window[nextSlot] { failures -= 1 }
        } else {
            filled += 1
        }
        window[nextSlot] = success
        if !success { failures += 1 }
        nextSlot = (nextSlot + 1) % window.count
    }

    /// Outcomes in the window.
    public var sampleCount: Int { filled }

    /// Fraction of failures in the window (0 when empty).
    public var failureRate: Double { filled == 0 ? 0 : Double(failures) / Double(filled) }

    /// The current bucket size and replication factor.
    public var k: Int {
        filled < DHTLimits.minOutcomesForAdaptation ? DHTLimits.defaultK : DHTLimits.adaptiveK(failureRate: failureRate)
    }

    /// The current lookup parallelism.
    public var alpha: Int {
        filled < DHTLimits.minOutcomesForAdaptation
            ? DHTLimits.defaultAlpha : DHTLimits.adaptiveAlpha(failureRate: failureRate)
    }
}
