/// Two endpoints on one simulated link — the QUIC test harness (STYLE.md item 11, after quinn's
/// `Pair`): a virtual clock, knobs for MTU, latency, loss, reordering and jitter per direction,
/// and `drive()` to run until nothing is left to do.
///
/// Node `a` (id 0) and node `b` (id 1) sit in one uniform topology with no base delay; the link
/// profile's `extraDelay` is the one-way latency. Adapting a sans-IO connection is a small
/// `SimNode`: feed datagrams to `handle(datagram:now:)`, move `pollTransmit` output to
/// `context.send`, and set a timer at `pollTimeout()`.
public final class SimPair<Node: SimNode> {
    /// The simulation underneath (for stats, interceptor, scripted events, `perform`).
    public let simulation: Simulation<Node>
    /// The first endpoint.
    public let a = SimNodeID(0)
    /// The second endpoint.
    public let b = SimNodeID(1)

    /// Two endpoints joined by a link with `link` in both directions, starting at time zero.
    public init(_ first: Node, _ second: Node, seed: UInt64, link: SimLinkProfile = SimLinkProfile(),
                metrics: SimMetrics = SimMetrics()) {
        simulation = Simulation(topology: .uniform(nodeCount: 2), seed: seed, link: link, metrics: metrics)
        simulation.addNode(first)
        simulation.addNode(second)
    }

    /// The link profile of both directions (setting it replaces per-direction profiles).
    public var link: SimLinkProfile {
        get { simulation.link }
        set {
            simulation.link = newValue
            simulation.clearLinkOverrides()
        }
    }

    /// Sets the profile of one direction only.
    public func setLink(_ profile: SimLinkProfile, from source: SimNodeID, to destination: SimNodeID) {
        simulation.setLink(profile, from: source, to: destination)
    }

    /// Largest datagram in bytes (0 = unlimited); larger ones are dropped.
    public var mtu: Int {
        get { link.mtu }
        set { link.mtu = newValue }
    }
    /// One-way latency.
    public var latency: SimDuration {
        get { link.extraDelay }
        set { link.extraDelay = newValue }
    }
    /// Loss probability.
    public var loss: Double {
        get { link.loss }
        set { link.loss = newValue }
    }
    /// Reordering probability (a reordered datagram is held back by `link.reorderDelay`).
    public var reorder: Double {
        get { link.reorder }
        set { link.reorder = newValue }
    }

    /// The current virtual time.
    public var now: SimInstant { simulation.now }

    /// Runs until no event is pending (quiescent), or `limit` of virtual time has passed from
    /// now, or `maxEvents` events were processed — whichever comes first.
    @inlinable
    @discardableResult
    public func drive(limit: SimDuration = .seconds(600), maxEvents: Int = 10_000_000) -> SimRunOutcome {
        simulation.runUntilQuiescent(limit: simulation.now + limit, maxEvents: maxEvents)
    }

    /// Acts on one endpoint now (connect, write, close), then sends what it queued.
    @inlinable
    @discardableResult
    public func perform<R>(on id: SimNodeID, _ body: (inout Node, inout SimContext<Node.Message>) -> R) -> R? {
        simulation.perform(on: id, body)
    }

    /// A copy of one endpoint's core.
    public subscript(id: SimNodeID) -> Node { simulation[id] }
}
