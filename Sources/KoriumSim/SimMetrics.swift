/// A registered counter (an index into the run's counter table).
@frozen
public struct SimCounter: Hashable, Sendable {
    /// The counter's index.
    public let index: Int
    @inlinable init(index: Int) { self.index = index }
}

/// A registered histogram (an index into the run's histogram table).
@frozen
public struct SimHistogramID: Hashable, Sendable {
    /// The histogram's index.
    public let index: Int
    @inlinable init(index: Int) { self.index = index }
}

/// A class of nodes whose metrics are kept apart (e.g. "honest", "sybil").
@frozen
public struct SimNodeClass: Hashable, Sendable {
    /// The class's index (0 is the default class, "default").
    public let index: UInt8
    @inlinable init(index: UInt8) { self.index = index }
    /// The class every node starts in.
    public static let `default` = SimNodeClass(index: 0)
}

/// Counters and histograms for one run, kept per node class and summed for the whole run.
///
/// Names are registered once (`counter(_:)`, `histogram(_:)`, `nodeClass(_:)`, all idempotent)
/// and then used by index on the hot path. Caps: `maxClasses` classes, `maxCounters` counters,
/// `maxHistograms` histograms (a histogram is a fixed 29.5 KiB per class); registering past a cap
/// is a programming error. Not thread-safe: one simulation runs on one thread.
public final class SimMetrics {
    /// At most this many node classes (the class index is a byte).
    public static let maxClasses = 32
    /// At most this many counters.
    public static let maxCounters = 1_024
    /// At most this many histograms.
    public static let maxHistograms = 128

    /// Class names, by index.
    public private(set) var classNames: [String] = ["default"]
    /// Counter names, by index.
    public private(set) var counterNames: [String] = []
    /// Histogram names, by index.
    public private(set) var histogramNames: [String] = []
    @usableFromInline var counters: [[Int64]] = [[]]
    @usableFromInline var histograms: [[SimHistogram]] = [[]]

    /// An empty registry with only the default class.
    public init() {}

    /// The class named `name`, registering it on first use.
    public func nodeClass(_ name: String) -> SimNodeClass {
        if let i = classNames.firstIndex(of: name) { return SimNodeClass(index: UInt8(i)) }
        precondition(classNames.count < Self.maxClasses, "SimMetrics: more than \(Self.maxClasses) node classes")
        classNames.append(name)
        counters.append([Int64](repeating: 0, count: counterNames.count))
        histograms.append([SimHistogram](repeating: SimHistogram(), count: histogramNames.count))
        return SimNodeClass(index: UInt8(classNames.count - 1))
    }

    /// The counter named `name`, registering it on first use.
    public func counter(_ name: String) -> SimCounter {
        if let i = counterNames.firstIndex(of: name) { return SimCounter(index: i) }
        precondition(counterNames.count < Self.maxCounters, "SimMetrics: more than \(Self.maxCounters) counters")
        counterNames.append(name)
        for c in counters.indices { counters[c].append(0) }
        return SimCounter(index: counterNames.count - 1)
    }

    /// The histogram named `name`, registering it on first use.
    public func histogram(_ name: String) -> SimHistogramID {
        if let i = histogramNames.firstIndex(of: name) { return SimHistogramID(index: i) }
        precondition(histogramNames.count < Self.maxHistograms, "SimMetrics: more than \(Self.maxHistograms) histograms")
        histogramNames.append(name)
        for c in histograms.indices { histograms[c].append(SimHistogram()) }
        return SimHistogramID(index: histogramNames.count - 1)
    }

    /// Adds `amount` to `counter` for `nodeClass`.
    @inlinable
    public func add(_ counter: SimCounter, _ amount: Int64 = 1, nodeClass: SimNodeClass = .default) {
        counters[Int(nodeClass.index)][counter.index] &+= amount
    }

    /// Records `value` in `histogram` for `nodeClass`.
    @inlinable
    public func record(_ histogram: SimHistogramID, _ value: UInt64, nodeClass: SimNodeClass = .default) {
        histograms[Int(nodeClass.index)][histogram.index].record(value)
    }

    /// The counter's value for one class, or summed over all classes when `nodeClass` is nil.
    public func value(_ counter: SimCounter, nodeClass: SimNodeClass? = nil) -> Int64 {
        if let c = nodeClass { return counters[Int(c.index)][counter.index] }
        return counters.reduce(0) { $0 &+ $1[counter.index] }
    }

    /// The histogram for one class, or merged over all classes when `nodeClass` is nil.
    public func histogram(_ id: SimHistogramID, nodeClass: SimNodeClass? = nil) -> SimHistogram {
        if let c = nodeClass { return histograms[Int(c.index)][id.index] }
        var h = SimHistogram()
        for perClass in histograms { h.merge(perClass[id.index]) }
        return h
    }

    /// Clears every value (names stay registered), e.g. after a warm-up phase.
    public func reset() {
        for c in counters.indices { for i in counters[c].indices { counters[c][i] = 0 } }
        for c in histograms.indices { for i in histograms[c].indices { histograms[c][i] = SimHistogram() } }
    }

    /// Every counter and histogram as CSV (RFC 4180): one row per (class, metric) that has data,
    /// plus `all` rows summed over classes. Columns: `class,metric,kind,count,sum,mean,min,p50,p90,
    /// p99,max` (a counter fills `count` only).
    public func csv() -> String {
        var out = SimCSV(header: ["class", "metric", "kind", "count", "sum", "mean", "min", "p50", "p90", "p99", "max"])
        let classes: [(String, SimNodeClass?)] =
            [("all", nil)] + classNames.indices.map { (classNames[$0], SimNodeClass(index: UInt8($0))) }
        for (className, cls) in classes {
            for (i, name) in counterNames.enumerated() {
                let v = value(SimCounter(index: i), nodeClass: cls)
                if cls != nil && v == 0 { continue }
                out.row([className, name, "counter", String(v), "", "", "", "", "", "", ""])
            }
            for (i, name) in histogramNames.enumerated() {
                let h = histogram(SimHistogramID(index: i), nodeClass: cls)
                if cls != nil && h.count == 0 { continue }
                out.row([
                    className, name, "histogram", String(h.count), String(h.sum), SimFormat.fixed(h.mean, decimals: 3),
                    String(h.count == 0 ? 0 : h.min), String(h.p50), String(h.p90), String(h.p99), String(h.max),
                ])
            }
        }
        return out.text
    }
}
