/// The engine's own counters for a run (the cores' counters live in `SimMetrics`).
public struct SimStats: Sendable, Equatable {
    /// Events taken from the queue (deliveries, timers, starts, churn and script events).
    public var events: Int = 0
    /// Messages handed to the network by cores.
    public var messagesSent: Int = 0
    /// Their total encoded size.
    public var bytesSent: Int = 0
    /// Messages handed to a core (duplicates included).
    public var messagesDelivered: Int = 0
    /// Their total encoded size.
    public var bytesDelivered: Int = 0
    /// Dropped by the loss model.
    public var droppedLoss: Int = 0
    /// Dropped because larger than the MTU.
    public var droppedMTU: Int = 0
    /// Dropped because sender and receiver were in different partitions.
    public var droppedPartition: Int = 0
    /// Dropped because the sender's uplink queue was full.
    public var droppedQueue: Int = 0
    /// Dropped because the receiver was offline at arrival.
    public var droppedOffline: Int = 0
    /// Dropped because the destination is not a node of this simulation (a core sent to an id
    /// it learnt from a bogus message — like sending to an unroutable address).
    public var droppedUnknownDestination: Int = 0
    /// Dropped because the event queue was at `Simulation.maxPendingEvents`.
    public var droppedQueueCap: Int = 0
    /// Dropped by the interceptor.
    public var droppedIntercepted: Int = 0
    /// Extra copies made by the duplication model.
    public var duplicated: Int = 0
    /// Messages held back by the reordering model.
    public var reordered: Int = 0
    /// Timers that fired on a live node.
    public var timersFired: Int = 0
    /// Timers discarded because their node left or crashed after setting them.
    public var timersDiscarded: Int = 0
    /// Nodes that came online (initial starts and rejoins).
    public var joins: Int = 0
    /// Graceful departures.
    public var leaves: Int = 0
    /// Crashes.
    public var crashes: Int = 0
    /// The largest number of events waiting at once.
    public var peakQueueLength: Int = 0

    /// All counters zero.
    public init() {}
}
