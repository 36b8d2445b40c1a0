/// The quinn-style sans-IO shape (STYLE.md item 1): datagrams and timeouts in, `pollTransmit`
/// and `pollTimeout` out. A QUIC connection or endpoint conforms with a thin extension that
/// converts instants, and `SimPollingNode` runs it in the simulator without further glue.
public protocol SimPollingCore {
    /// A datagram from `source` arrives at `now`.
    mutating func handle(datagram: [UInt8], from source: SimNodeID, now: SimInstant)
    /// The deadline last returned by `pollTimeout()` has passed.
    mutating func handleTimeout(now: SimInstant)
    /// The next datagram to send, or nil when there is nothing to send now.
    mutating func pollTransmit(now: SimInstant) -> (destination: SimNodeID, datagram: [UInt8])?
    /// When `handleTimeout` should be called next, or nil for never.
    func pollTimeout() -> SimInstant?
}

/// Runs a `SimPollingCore` as a `SimNode`: after every input it drains `pollTransmit` (at most
/// `maxTransmitsPerEvent` datagrams, a guard against a core that never stops) and re-arms one
/// timer at `pollTimeout()`. Stale timers (from an earlier deadline) are ignored by generation.
public struct SimPollingNode<Core: SimPollingCore>: SimNode {
    /// The message type: raw datagrams.
    public typealias Message = [UInt8]

    /// Datagrams drained per event at most.
    public static var maxTransmitsPerEvent: Int { 10_000 }

    /// The wrapped core.
    public var core: Core
    private var armedDeadline: SimInstant?
    private var generation: UInt64 = 0

    /// Wraps `core`.
    public init(_ core: Core) { self.core = core }

    /// Drains the core's output (e.g. a client's first flight after `perform { $0.core.connect() }`).
    public mutating func flush(context: inout SimContext<[UInt8]>) {
        var sent = 0
        while sent < Self.maxTransmitsPerEvent, let t = core.pollTransmit(now: context.now) {
            context.send(t.datagram, to: t.destination)
            sent += 1
        }
        let deadline = core.pollTimeout()
        if deadline != armedDeadline {
            armedDeadline = deadline
            generation &+= 1
            if let d = deadline { context.setTimer(at: d, token: generation) }
        }
    }

    /// Drains whatever the core wants to send first.
    public mutating func handleStart(context: inout SimContext<[UInt8]>) {
        flush(context: &context)
    }

    /// Feeds the datagram to the core, then drains.
    public mutating func handleMessage(_ message: [UInt8], from source: SimNodeID, context: inout SimContext<[UInt8]>) {
        core.handle(datagram: message, from: source, now: context.now)
        flush(context: &context)
    }

    /// Calls `handleTimeout` if this is the current timer and its deadline has come, then drains.
    public mutating func handleTimer(_ token: UInt64, context: inout SimContext<[UInt8]>) {
        guard token == generation, let d = armedDeadline, context.now >= d else { return }
        armedDeadline = nil
        core.handleTimeout(now: context.now)
        flush(context: &context)
    }
}
