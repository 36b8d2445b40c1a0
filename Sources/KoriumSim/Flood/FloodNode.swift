/// A flooding-broadcast core: the simulator's first real user and its reference workload.
///
/// On the first copy of a broadcast a node records the delivery time and hop count, then
/// forwards the message to every neighbour except the one it came from; later copies are counted
/// as duplicates and dropped. With a connected neighbour graph and no loss every node is reached.
/// The seen-set is bounded: a node remembers the last `seenCapacity` broadcasts (older ones
/// arriving again would be forwarded again, so originators should space broadcasts accordingly).
public struct FloodNode: SimNode {
    /// The message type.
    public typealias Message = FloodMessage

    /// Metric handles the cores share (registered once per run).
    public struct Metrics: Sendable {
        /// First copies received (one per node and broadcast).
        public let delivered: SimCounter
        /// Later copies received and dropped.
        public let duplicates: SimCounter
        /// Broadcasts originated.
        public let originated: SimCounter
        /// Origin → first receipt, ns.
        public let deliveryTime: SimHistogramID
        /// Hops travelled by the first copy.
        public let hops: SimHistogramID

        /// Registers the flood metrics in `metrics`.
        public init(_ metrics: SimMetrics) {
            delivered = metrics.counter("flood.delivered")
            duplicates = metrics.counter("flood.duplicates")
            originated = metrics.counter("flood.originated")
            deliveryTime = metrics.histogram("flood.delivery_time_ns")
            hops = metrics.histogram("flood.hops")
        }
    }

    /// How many recent broadcasts a node remembers.
    public static let seenCapacity = 8

    /// The nodes this one forwards to.
    public var neighbors: [SimNodeID]
    /// Distinct broadcasts received (own ones included).
    public private(set) var receivedCount: Int32 = 0
    private let metrics: Metrics
    private var seen = InlineArray<8, UInt64>(repeating: .max)
    private var seenNext: UInt8 = 0
    private var nextSequence: UInt32 = 0

    /// A node with the given neighbours.
    public init(neighbors: [SimNodeID], metrics: Metrics) {
        self.neighbors = neighbors
        self.metrics = metrics
    }

    /// Originates a broadcast with `payload` now and returns its sequence number.
    @discardableResult
    public mutating func broadcast(payload: [UInt8], context: inout SimContext<FloodMessage>) -> UInt32 {
        precondition(payload.count <= FloodMessage.maxPayload, "FloodNode: payload above maxPayload")
        let sequence = nextSequence
        nextSequence &+= 1
        let message = FloodMessage(
            origin: context.node, sequence: sequence, originatedAt: context.now, hops: 0, payload: payload)
        remember(message.key)
        receivedCount += 1
        context.count(metrics.originated)
        for n in neighbors { context.send(message, to: n) }
        return sequence
    }

    /// Forwards the first copy of each broadcast; counts the rest as duplicates.
    public mutating func handleMessage(_ message: FloodMessage, from source: SimNodeID,
                                       context: inout SimContext<FloodMessage>) {
        let key = message.key
        if hasSeen(key) {
            context.count(metrics.duplicates)
            return
        }
        remember(key)
        receivedCount += 1
        context.count(metrics.delivered)
        context.record(metrics.deliveryTime, context.now - message.originatedAt)
        var forward = message
        forward.hops = message.hops == .max ? .max : message.hops + 1
        context.record(metrics.hops, UInt64(forward.hops))
        for n in neighbors where n != source { context.send(forward, to: n) }
    }

    /// Flooding sets no timers.
    public mutating func handleTimer(_ token: UInt64, context: inout SimContext<FloodMessage>) {}

    private func hasSeen(_ key: UInt64) -> Bool {
        for i in 0..<Self.seenCapacity where seen[i] == key { return true }
        return false
    }

    private mutating func remember(_ key: UInt64) {
        seen[Int(seenNext)] = key
        seenNext = seenNext + 1 == UInt8(Self.seenCapacity) ? 0 : seenNext + 1
    }

    /// A connected random graph: a ring (so every node is reachable) plus `extraLinksPerNode`
    /// random chords per node, all symmetric. Mean degree ≈ 2 + 2 × extraLinksPerNode.
    public static func randomGraph(nodeCount: Int, extraLinksPerNode: Int, seed: UInt64) -> [[SimNodeID]] {
        precondition(nodeCount >= 0 && extraLinksPerNode >= 0, "FloodNode.randomGraph: negative size")
        var adjacency = [[SimNodeID]](repeating: [], count: nodeCount)
        guard nodeCount > 1 else { return adjacency }
        var rng = SimRandom(seed: seed, node: UInt64.max, stream: 0xF100D)
        func link(_ a: Int, _ b: Int) {
            guard a != b, !adjacency[a].contains(SimNodeID(index: b)) else { return }
            adjacency[a].append(SimNodeID(index: b))
            adjacency[b].append(SimNodeID(index: a))
        }
        for i in 0..<nodeCount { link(i, (i + 1) % nodeCount) }
        for i in 0..<nodeCount {
            for _ in 0..<extraLinksPerNode { link(i, rng.nextInt(below: nodeCount)) }
        }
        return adjacency
    }
}
