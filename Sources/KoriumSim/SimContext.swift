/// What a core sees and produces while handling one event: the virtual time, its own identity
/// and address, its random stream, and an outbox of messages and timers the engine carries out
/// once the handler returns. The engine reuses one context (its buffers keep their capacity), so
/// handling an event allocates nothing in the engine.
public struct SimContext<Message: SimMessage> {
    /// The current virtual time.
    public var now: SimInstant { _now }
    /// The node handling the event.
    public var node: SimNodeID { _node }
    /// The node's class (for per-class metrics), as registered with `SimMetrics.nodeClass(_:)`.
    public var nodeClass: SimNodeClass { _nodeClass }
    @usableFromInline var _now: SimInstant
    @usableFromInline var _node: SimNodeID
    @usableFromInline var _nodeClass: SimNodeClass
    /// The node's private random stream; draws here never disturb other nodes' streams.
    public var random: SimRandom
    /// The run's metrics; `count`/`record` below file values under this node's class.
    public let metrics: SimMetrics
    /// The network topology, for addresses (e.g. /16 prefixes for latency tiering).
    public let topology: SimTopology

    @usableFromInline var outbox: [(destination: SimNodeID, message: Message)] = []
    @usableFromInline var timers: [(deadline: SimInstant, token: UInt64)] = []

    @usableFromInline
    init(metrics: SimMetrics, topology: SimTopology) {
        _now = .zero
        _node = SimNodeID(0)
        _nodeClass = .default
        random = SimRandom(state: (1, 2, 3, 4))
        self.metrics = metrics
        self.topology = topology
        outbox.reserveCapacity(64)
        timers.reserveCapacity(8)
    }

    /// Sends `message` to `destination` over the simulated network (subject to the link model).
    @inlinable
    public mutating func send(_ message: Message, to destination: SimNodeID) {
        outbox.append((destination, message))
    }

    /// Fires `handleTimer(token)` on this node after `delay` (a negative delay means now).
    @inlinable
    public mutating func setTimer(after delay: SimDuration, token: UInt64 = 0) {
        timers.append((now + (delay.nanoseconds > 0 ? delay : .zero), token))
    }

    /// Fires `handleTimer(token)` on this node at `deadline` (a past deadline means now).
    @inlinable
    public mutating func setTimer(at deadline: SimInstant, token: UInt64 = 0) {
        timers.append((deadline < now ? now : deadline, token))
    }

    /// This node's synthetic IPv4 address.
    @inlinable
    public var address: SimAddress { topology.address(of: node) }

    /// Adds `amount` to `counter` under this node's class.
    @inlinable
    public func count(_ counter: SimCounter, by amount: Int64 = 1) {
        metrics.add(counter, amount, nodeClass: nodeClass)
    }

    /// Records `value` in `histogram` under this node's class.
    @inlinable
    public func record(_ histogram: SimHistogramID, _ value: UInt64) {
        metrics.record(histogram, value, nodeClass: nodeClass)
    }

    /// Records a duration in nanoseconds (negative values count as zero).
    @inlinable
    public func record(_ histogram: SimHistogramID, _ duration: SimDuration) {
        metrics.record(histogram, UInt64(clamping: max(0, duration.nanoseconds)), nodeClass: nodeClass)
    }
}
