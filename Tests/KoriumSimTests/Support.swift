@testable import KoriumSim

/// A probe message: a sequence number and its send time; `padding` sets the wire size.
struct ProbeMessage: SimMessage, Equatable {
    var sequence: UInt32
    var sentAt: SimInstant
    var padding: Int = 0
    var wireSize: Int { 12 + padding }
}

/// Node 0 sends `total` probes to node 1, one every `interval`; node 1 logs arrivals.
struct ProbeNode: SimNode {
    typealias Message = ProbeMessage
    var total: Int
    var interval: SimDuration
    var padding: Int = 0
    var sent = 0
    var arrivals: [(sequence: UInt32, sentAt: SimInstant, arrivedAt: SimInstant)] = []

    init(total: Int = 0, interval: SimDuration = .milliseconds(1), padding: Int = 0) {
        self.total = total
        self.interval = interval
        self.padding = padding
    }

    mutating func handleStart(context: inout SimContext<ProbeMessage>) {
        if total > 0 { context.setTimer(after: .zero) }
    }

    mutating func handleTimer(_ token: UInt64, context: inout SimContext<ProbeMessage>) {
        guard sent < total else { return }
        context.send(ProbeMessage(sequence: UInt32(sent), sentAt: context.now, padding: padding), to: SimNodeID(1))
        sent += 1
        if sent < total { context.setTimer(after: interval) }
    }

    mutating func handleMessage(_ message: ProbeMessage, from source: SimNodeID,
                                context: inout SimContext<ProbeMessage>) {
        arrivals.append((message.sequence, message.sentAt, context.now))
    }
}

/// A core that does nothing but count its starts and keep a periodic timer running.
struct TickNode: SimNode {
    typealias Message = [UInt8]
    var starts = 0
    var ticks = 0
    var period: SimDuration = .seconds(1)

    mutating func handleStart(context: inout SimContext<[UInt8]>) {
        starts += 1
        context.setTimer(after: period, token: 7)
    }
    mutating func handleTimer(_ token: UInt64, context: inout SimContext<[UInt8]>) {
        ticks += 1
        context.setTimer(after: period, token: 7)
    }
    mutating func handleMessage(_ message: [UInt8], from source: SimNodeID, context: inout SimContext<[UInt8]>) {}
}

/// Runs a probe stream of `total` messages over `link` and returns the receiver's log and stats.
func runProbe(total: Int, interval: SimDuration = .milliseconds(1), padding: Int = 0, link: SimLinkProfile,
              seed: UInt64 = 1) -> (arrivals: [(sequence: UInt32, sentAt: SimInstant, arrivedAt: SimInstant)],
                                    stats: SimStats) {
    let sim = Simulation<ProbeNode>(topology: .uniform(nodeCount: 2), seed: seed, link: link)
    sim.addNode(ProbeNode(total: total, interval: interval, padding: padding))
    sim.addNode(ProbeNode())
    sim.runUntilQuiescent()
    return (sim[SimNodeID(1)].arrivals, sim.stats)
}
