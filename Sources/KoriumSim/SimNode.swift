/// A sans-IO protocol core adapted to the simulator.
///
/// The engine calls exactly one `handle…` method per event, passing a `SimContext` that carries
/// the virtual time, the node's own random stream and an outbox. The core answers only by
/// recording messages and timers in the context; it never holds a reference to the engine.
/// Order of calls for one node: `handleStart` when it comes online (at the start of the run or
/// when churn rejoins it), then any number of `handleMessage`/`handleTimer`, then `handleStop`
/// if it leaves gracefully (a crash calls nothing). Timers set before a leave or crash are
/// discarded; messages in flight to an offline node are dropped. Timers cannot be cancelled:
/// a core ignores a timer whose token it no longer expects (put a generation number in it), the
/// way a sans-IO core re-arms from `pollTimeout()` and ignores early wake-ups.
public protocol SimNode {
    /// The message type this core exchanges with its peers.
    associatedtype Message: SimMessage

    /// The node comes online. Default: nothing.
    mutating func handleStart(context: inout SimContext<Message>)

    /// A message from `source` arrives at `context.now`.
    mutating func handleMessage(_ message: Message, from source: SimNodeID, context: inout SimContext<Message>)

    /// A timer set with `token` fires at `context.now`.
    mutating func handleTimer(_ token: UInt64, context: inout SimContext<Message>)

    /// The node leaves gracefully; messages sent here are still delivered. Default: nothing.
    mutating func handleStop(context: inout SimContext<Message>)
}

extension SimNode {
    /// Does nothing.
    @inlinable
    public mutating func handleStart(context: inout SimContext<Message>) {}
    /// Does nothing.
    @inlinable
    public mutating func handleStop(context: inout SimContext<Message>) {}
}
