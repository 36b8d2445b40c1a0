import Testing
@testable import KoriumSim

/// A stop-and-wait sender with retransmission and an echoing receiver, over raw byte datagrams —
/// the shape of a QUIC pair test: timers, loss, MTU, `drive()` until quiescent.
struct StopAndWait: SimNode {
    typealias Message = [UInt8]
    var isSender: Bool
    var toSend: UInt8 = 0
    var total: UInt8 = 0
    var acked: [UInt8] = []
    var received: [UInt8] = []
    var retransmits = 0
    let rto = SimDuration.milliseconds(100)

    mutating func handleStart(context: inout SimContext<[UInt8]>) {
        if isSender && total > 0 { transmit(&context) }
    }
    mutating func transmit(_ context: inout SimContext<[UInt8]>) {
        context.send([toSend] + [UInt8](repeating: 0, count: 99), to: SimNodeID(1))
        context.setTimer(after: rto, token: UInt64(toSend))
    }
    mutating func handleMessage(_ m: [UInt8], from source: SimNodeID, context: inout SimContext<[UInt8]>) {
        if isSender {
            guard m.first == toSend else { return }
            acked.append(toSend)
            toSend += 1
            if toSend < total { transmit(&context) }
        } else {
            if !received.contains(m[0]) { received.append(m[0]) }
            context.send([m[0]], to: source)
        }
    }
    mutating func handleTimer(_ token: UInt64, context: inout SimContext<[UInt8]>) {
        guard isSender, token == UInt64(toSend), toSend < total else { return }
        retransmits += 1
        transmit(&context)
    }
}

@Suite("Pair link")
struct PairTests {
    @Test func driveDeliversEverythingOverALossyLink() {
        let pair = SimPair(StopAndWait(isSender: true, total: 50), StopAndWait(isSender: false), seed: 7)
        pair.latency = .milliseconds(20)
        pair.loss = 0.2
        #expect(pair.drive() == .quiescent)
        #expect(pair[pair.a].acked == Array(0..<50))
        #expect(pair[pair.b].received == Array(0..<50))
        #expect(pair[pair.a].retransmits > 0)
        #expect(pair.simulation.stats.droppedLoss > 0)
        // Each successful exchange costs at least one RTT.
        #expect(pair.now >= SimInstant.zero + .milliseconds(50 * 40))
    }

    @Test func mtuAndPerDirectionKnobs() {
        let pair = SimPair(StopAndWait(isSender: true, total: 3), StopAndWait(isSender: false), seed: 1)
        pair.mtu = 99  // the 100-byte data datagrams never fit
        #expect(pair.drive(limit: .seconds(2)) == .reachedDeadline)
        #expect(pair[pair.b].received.isEmpty)
        #expect(pair.simulation.stats.droppedMTU >= 20)
        pair.mtu = 1_200
        // Only b → a is slow: 300 ms one way.
        pair.setLink(SimLinkProfile(extraDelay: .milliseconds(300)), from: pair.b, to: pair.a)
        #expect(pair.drive() == .quiescent)
        #expect(pair[pair.a].acked == [0, 1, 2])
    }

    /// The interceptor can tamper with and drop datagrams in flight (a packet crafter's hook).
    @Test func interceptorTampersAndDrops() {
        let pair = SimPair(StopAndWait(isSender: true, total: 4), StopAndWait(isSender: false), seed: 1)
        var dropped = 0
        pair.simulation.interceptor = { message, source, _, _ in
            if source == SimNodeID(0) && message[0] == 2 && dropped == 0 {
                dropped += 1
                return .drop
            }
            if source == SimNodeID(1) { message.append(0xEE) }
            return .pass
        }
        pair.drive()
        #expect(pair[pair.a].acked == [0, 1, 2, 3])
        #expect(pair[pair.a].retransmits == 1)
        #expect(pair.simulation.stats.droppedIntercepted == 1)
    }

    @Test func reorderingKnob() {
        let pair = SimPair(ProbeNode(total: 2_000), ProbeNode(), seed: 3)
        pair.reorder = 0.1
        pair.drive()
        let seqs = pair[pair.b].arrivals.map(\.sequence)
        #expect(seqs.count == 2_000)
        #expect(seqs != seqs.sorted())
    }
}

/// A polling-style core (quinn shape): a sender with a retransmission deadline and a receiver
/// that acknowledges; a moving deadline exercises timer re-arming.
struct PollingSender: SimPollingCore {
    var isSender: Bool
    var total: UInt8 = 0
    var next: UInt8 = 0
    var outstanding = false
    var deadline: SimInstant?
    var pending: [(SimNodeID, [UInt8])] = []
    var delivered: [UInt8] = []
    var timeouts = 0

    mutating func handle(datagram: [UInt8], from source: SimNodeID, now: SimInstant) {
        if isSender {
            guard datagram.first == next else { return }
            next += 1
            outstanding = false
            deadline = nil
        } else {
            if !delivered.contains(datagram[0]) { delivered.append(datagram[0]) }
            pending.append((source, [datagram[0]]))
        }
    }
    mutating func handleTimeout(now: SimInstant) {
        timeouts += 1
        outstanding = false
    }
    mutating func pollTransmit(now: SimInstant) -> (destination: SimNodeID, datagram: [UInt8])? {
        if isSender {
            guard !outstanding, next < total else { return nil }
            outstanding = true
            deadline = now + .milliseconds(80)
            return (SimNodeID(1), [next])
        }
        return pending.isEmpty ? nil : pending.removeFirst()
    }
    func pollTimeout() -> SimInstant? { deadline }
}

@Suite("Polling adapter")
struct SimPollingNodeTests {
    @Test func pollingCoreRunsOverALossyPair() {
        let pair = SimPair(SimPollingNode(PollingSender(isSender: true, total: 40)),
                           SimPollingNode(PollingSender(isSender: false)), seed: 12)
        pair.latency = .milliseconds(15)
        pair.loss = 0.25
        #expect(pair.drive() == .quiescent)
        #expect(pair[pair.a].core.next == 40)
        #expect(pair[pair.b].core.delivered == Array(0..<40))
        #expect(pair[pair.a].core.timeouts > 0)
        #expect(pair.simulation.stats.timersFired >= pair[pair.a].core.timeouts)
    }
}
