import KoriumQUIC
import KoriumWire
import Testing

func ms(_ value: Double) -> Duration { .nanoseconds(Int64(value * 1_000_000)) }
func at(_ milliseconds: Double) -> Instant { Instant(nanoseconds: UInt64(milliseconds * 1_000_000)) }

@Suite("RTT estimation (RFC 9002 §5)")
struct RTTTests {
    @Test("first sample sets min and smoothed, rttvar = sample / 2 (§5.3)")
    func firstSample() {
        var rtt = RTTEstimator()
        #expect(rtt.smoothed == .milliseconds(333) && rtt.variance == ms(166.5))
        rtt.update(latestRTT: .milliseconds(100), ackDelay: .milliseconds(50), maxAckDelay: .milliseconds(25), handshakeConfirmed: true, now: at(100))
        #expect(rtt.minimum == .milliseconds(100) && rtt.smoothed == .milliseconds(100) && rtt.variance == .milliseconds(50))
        #expect(rtt.firstSampleTime == at(100))
    }

    @Test("later samples: ACK delay subtracted (capped at max_ack_delay once confirmed) unless below min_rtt")
    func laterSamples() {
        var rtt = RTTEstimator()
        rtt.update(latestRTT: .milliseconds(100), ackDelay: .zero, maxAckDelay: .milliseconds(25), handshakeConfirmed: true, now: at(0))
        // 140 − min(40, 25) = 115: rttvar = 3/4·50 + 1/4·15 = 41.25, smoothed = 7/8·100 + 1/8·115 = 101.875.
        rtt.update(latestRTT: .milliseconds(140), ackDelay: .milliseconds(40), maxAckDelay: .milliseconds(25), handshakeConfirmed: true, now: at(1))
        #expect(rtt.variance == ms(41.25))
        #expect(rtt.smoothed == ms(101.875))
        // Before confirmation the full delay counts: 140 − 40 = 100.
        var early = RTTEstimator()
        early.update(latestRTT: .milliseconds(100), ackDelay: .zero, maxAckDelay: .milliseconds(25), handshakeConfirmed: false, now: at(0))
        early.update(latestRTT: .milliseconds(140), ackDelay: .milliseconds(40), maxAckDelay: .milliseconds(25), handshakeConfirmed: false, now: at(1))
        #expect(early.smoothed == .milliseconds(100))
        // A delay that would take the sample below min_rtt is ignored: 105 − 40 < 100.
        var floor = RTTEstimator()
        floor.update(latestRTT: .milliseconds(100), ackDelay: .zero, maxAckDelay: .milliseconds(25), handshakeConfirmed: false, now: at(0))
        floor.update(latestRTT: .milliseconds(105), ackDelay: .milliseconds(40), maxAckDelay: .milliseconds(25), handshakeConfirmed: false, now: at(1))
        #expect(floor.smoothed == ms(100.625))
        #expect(floor.minimum == .milliseconds(100))
        #expect(floor.lossDelay == ms(105 * 9.0 / 8.0))
    }
}

@Suite("ACK generation (RFC 9000 §13.2)")
struct AckGenerationTests {
    @Test("ranges match a set model for any arrival order; duplicates are refused")
    func rangesModel() {
        var rng = SeededGenerator(seed: 13)
        for _ in 0..<200 {
            var tracker = ReceivedPacketTracker(acknowledgesImmediately: false)
            var model = Set<UInt64>()
            for _ in 0..<60 {
                let pn = UInt64.random(in: 0..<80, using: &rng)
                let fresh = tracker.onPacketReceived(pn, isAckEliciting: true, now: at(0), maxAckDelay: .milliseconds(25))
                #expect(fresh == model.insert(pn).inserted)
            }
            var expanded: [UInt64] = []
            for range in tracker.ranges { expanded += range.reversed() }
            #expect(expanded == model.sorted(by: >))
            for (a, b) in zip(tracker.ranges, tracker.ranges.dropFirst()) { #expect(b.upperBound + 1 < a.lowerBound) }
        }
    }

    @Test("when to acknowledge: Initial/Handshake at once, otherwise every 2nd packet, out of order, or max_ack_delay")
    func timing() {
        var handshake = ReceivedPacketTracker(acknowledgesImmediately: true)
        handshake.onPacketReceived(0, isAckEliciting: true, now: at(5), maxAckDelay: .milliseconds(25))
        #expect(handshake.ackDeadline == at(5))

        var app = ReceivedPacketTracker(acknowledgesImmediately: false)
        app.onPacketReceived(0, isAckEliciting: false, now: at(0), maxAckDelay: .milliseconds(25))
        #expect(app.ackDeadline == nil)  // ACK-only packets are not acknowledged by themselves
        app.onPacketReceived(1, isAckEliciting: true, now: at(1), maxAckDelay: .milliseconds(25))
        #expect(app.ackDeadline == at(26))
        app.onPacketReceived(2, isAckEliciting: true, now: at(2), maxAckDelay: .milliseconds(25))
        #expect(app.ackDeadline == at(2))

        var reordered = ReceivedPacketTracker(acknowledgesImmediately: false)
        reordered.onPacketReceived(5, isAckEliciting: true, now: at(0), maxAckDelay: .milliseconds(25))
        reordered.onPacketReceived(3, isAckEliciting: false, now: at(0), maxAckDelay: .milliseconds(25))
        var writer = ByteWriter(capacity: 32)
        try? reordered.writeAck(now: at(1), ackDelayExponent: 3, to: &writer)
        reordered.onPacketReceived(4, isAckEliciting: true, now: at(3), maxAckDelay: .milliseconds(25))
        #expect(reordered.ackDeadline == at(3))  // below the largest: immediately
    }

    @Test("the ACK frame carries every range and the delay scaled by ack_delay_exponent")
    func writeAck() throws {
        var tracker = ReceivedPacketTracker(acknowledgesImmediately: false)
        for pn: UInt64 in [0, 1, 2, 5, 6, 9] {
            tracker.onPacketReceived(pn, isAckEliciting: true, now: at(10), maxAckDelay: .milliseconds(25))
        }
        var writer = ByteWriter(capacity: 32)
        try tracker.writeAck(now: at(14), ackDelayExponent: 3, to: &writer)  // 4 ms = 4000 µs >> 3 = 500
        #expect(tracker.ackDeadline == nil && tracker.unacknowledgedAckEliciting == 0)
        writer.bytes.withUnsafeBytes { raw in
            var reader = FrameReader(payload: raw, packetType: .oneRTT)
            guard case .ack(let ack)?? = try? reader.next() else { Issue.record("no ACK"); return }
            #expect(Array(ack.ranges) == [9...9, 5...6, 0...2])
            #expect(ack.encodedAckDelay == 500)
            #expect(ack.ackDelayMicroseconds(exponent: 3) == 4000)
        }
        // Once that ACK is acknowledged, ranges up to 6 are forgotten and count as duplicates.
        tracker.onAckFrameAcknowledged(largestAcknowledged: 6)
        #expect(tracker.ranges == [9...9])
        #expect(tracker.isDuplicate(4) && tracker.isDuplicate(6) && !tracker.isDuplicate(7))
    }

    @Test("the range table is capped; the lowest range is dropped and becomes the duplicate floor")
    func cap() {
        var tracker = ReceivedPacketTracker(acknowledgesImmediately: false)
        for i in 0..<UInt64(ReceivedPacketTracker.maxRanges + 10) {
            tracker.onPacketReceived(i * 2, isAckEliciting: true, now: at(0), maxAckDelay: .milliseconds(25))
        }
        #expect(tracker.ranges.count == ReceivedPacketTracker.maxRanges)
        #expect(tracker.isDuplicate(1))  // below the floor
        let accepted = tracker.onPacketReceived(3, isAckEliciting: true, now: at(0), maxAckDelay: .milliseconds(25))
        #expect(!accepted)
    }
}

@Suite("Loss detection and congestion control (RFC 9002 §6, §7, RFC 9438)")
struct LossDetectionTests {
    typealias Detector = LossDetection<NewReno>

    static func send(_ d: inout Detector, _ pn: UInt64, at t: Double, space: PacketNumberSpace = .applicationData, bytes: Int = 1200) {
        d.onPacketSent(SentPacket(packetNumber: pn, timeSent: at(t), sentBytes: bytes, isAckEliciting: true, isInFlight: true),
                       space: space, now: at(t))
    }

    @Test("packet threshold: 3 behind the largest acknowledged is lost (§6.1.1), others wait for the time threshold")
    func packetThreshold() throws {
        var d = Detector(role: .server, congestion: NewReno())
        d.isHandshakeConfirmed = true
        for pn: UInt64 in 0...5 { Self.send(&d, pn, at: Double(pn)) }
        var acked: [SentPacket] = [], lost: [SentPacket] = []
        try d.onAckReceived(ranges: [5...5], ackDelay: .zero, space: .applicationData, now: at(50), acked: &acked, lost: &lost)
        #expect(acked.map(\.packetNumber) == [5])
        #expect(lost.map(\.packetNumber) == [0, 1, 2])
        #expect(d.outstandingCount(space: .applicationData) == 2)
        #expect(d.bytesInFlight == 2 * 1200)
        // Packets 3 and 4 are lost once 9/8 × RTT (45 ms sample → 50.6 ms) passes: the timer says when.
        let timer = try #require(d.lossDetectionTimer)
        #expect(timer == at(3) + ms(45).scaled(9, 8))
        lost.removeAll()
        let result1 = d.onLossDetectionTimeout(now: timer, lost: &lost)
        #expect(result1 == .packetsLost)
        #expect(lost.map(\.packetNumber) == [3])
        let result2 = d.onLossDetectionTimeout(now: try #require(d.lossDetectionTimer), lost: &lost)
        #expect(result2 == .packetsLost)
        #expect(lost.map(\.packetNumber) == [3, 4])
        #expect(d.bytesInFlight == 0)
    }

    @Test("acknowledging a packet never sent is a PROTOCOL_VIOLATION (RFC 9000 §13.1)")
    func ackOfUnsent() {
        var d = Detector(role: .client, congestion: NewReno())
        Self.send(&d, 0, at: 0, space: .initial)
        var acked: [SentPacket] = [], lost: [SentPacket] = []
        #expect(throws: TransportError.protocolViolation(frameType: 0x02, "ACK of a packet that was never sent")) {
            try d.onAckReceived(ranges: [1...1], ackDelay: .zero, space: .initial, now: at(1), acked: &acked, lost: &lost)
        }
        #expect(throws: TransportError.self) {
            try d.onAckReceived(ranges: [0...0], ackDelay: .zero, space: .handshake, now: at(1), acked: &acked, lost: &lost)
        }
    }

    @Test("PTO: fires after srtt + 4·rttvar + max_ack_delay, asks for two probes, backs off exponentially (§6.2)")
    func probeTimeout() throws {
        var d = Detector(role: .server, congestion: NewReno())
        d.isHandshakeConfirmed = true
        Self.send(&d, 0, at: 0)
        var acked: [SentPacket] = [], lost: [SentPacket] = []
        try d.onAckReceived(ranges: [0...0], ackDelay: .zero, space: .applicationData, now: at(100), acked: &acked, lost: &lost)
        #expect(d.lossDetectionTimer == nil)  // nothing in flight
        Self.send(&d, 1, at: 200)
        // srtt 100, rttvar 50: 100 + 200 + 25 = 325 ms after the send.
        #expect(d.lossDetectionTimer == at(525))
        let result3 = d.onLossDetectionTimeout(now: at(525), lost: &lost)
        #expect(result3 == .probe(space: .applicationData, count: 2))
        #expect(d.ptoCount == 1)
        #expect(d.lossDetectionTimer == at(200 + 650))
        let result4 = d.onLossDetectionTimeout(now: at(600), lost: &lost)
        #expect(result4 == .none)  // not yet
    }

    @Test("client anti-deadlock PTO with nothing in flight before address validation (§6.2.2.1)")
    func antiDeadlock() throws {
        var d = Detector(role: .client, congestion: NewReno())
        Self.send(&d, 0, at: 0, space: .initial)
        var acked: [SentPacket] = [], lost: [SentPacket] = []
        try d.onAckReceived(ranges: [0...0], ackDelay: .zero, space: .initial, now: at(30), acked: &acked, lost: &lost)
        let timer = try #require(d.lossDetectionTimer)
        let result5 = d.onLossDetectionTimeout(now: timer, lost: &lost)
        #expect(result5 == .probe(space: .initial, count: 1))
        d.hasHandshakeKeys = true
        let result6 = d.onLossDetectionTimeout(now: try #require(d.lossDetectionTimer), lost: &lost)
        #expect(result6 == .probe(space: .handshake, count: 1))
    }

    @Test("RFC 9002 §7.6.3 example: packets 2–8 lost over 7 s with a 6 s duration is persistent congestion")
    func persistentCongestionExample() {
        let sent: [(UInt64, Double)] = [(2, 1), (3, 2), (4, 3), (5, 4), (6, 5), (7, 6), (8, 8)]
        let lost = sent.map { SentPacket(packetNumber: $0.0, timeSent: at($0.1 * 1000), sentBytes: 1200, isAckEliciting: true, isInFlight: true) }
        let duration: Duration = .seconds(2) * 3
        #expect(Detector.establishesPersistentCongestion(lost, firstRTTSample: at(1200), duration: duration) == false)  // only 3...8 count: 6 s
        #expect(Detector.establishesPersistentCongestion(lost, firstRTTSample: at(0), duration: duration))
        // If packet 5 had been acknowledged, no run spans the duration.
        let withAck = lost.filter { $0.packetNumber != 5 }
        #expect(!Detector.establishesPersistentCongestion(withAck, firstRTTSample: at(0), duration: duration))
    }

    @Test("persistent congestion through the detector collapses the window to the minimum")
    func persistentCongestionCollapse() throws {
        var d = Detector(role: .server, congestion: NewReno())
        d.isHandshakeConfirmed = true
        Self.send(&d, 0, at: 0)
        var acked: [SentPacket] = [], lost: [SentPacket] = []
        try d.onAckReceived(ranges: [0...0], ackDelay: .zero, space: .applicationData, now: at(10), acked: &acked, lost: &lost)
        for pn: UInt64 in 1...10 { Self.send(&d, pn, at: 100 * Double(pn)) }
        Self.send(&d, 11, at: 1100)
        try d.onAckReceived(ranges: [11...11], ackDelay: .zero, space: .applicationData, now: at(1110), acked: &acked, lost: &lost)
        #expect(lost.count == 10)
        // RFC 9002 §A.7 order: the loss collapses the window to the minimum, then packet 11's
        // acknowledgment (sent after recovery ended) grows it in slow start by 1200 bytes.
        #expect(d.congestion.congestionWindow == CongestionConstants().minimumWindow + 1200)
        #expect(d.congestion.recoveryStartTime == nil)
    }

    @Test("bytes in flight always equal the outstanding in-flight packets (random ACKs and timeouts)")
    func bytesInFlightInvariant() throws {
        var rng = SeededGenerator(seed: 2)
        var d = LossDetection<Cubic>(role: .server, congestion: Cubic())
        d.isHandshakeConfirmed = true
        var outstanding: [UInt64: Int] = [:]
        var next: UInt64 = 0
        var now = 0.0
        var acked: [SentPacket] = [], lost: [SentPacket] = []
        for _ in 0..<2000 {
            now += Double.random(in: 0...20, using: &rng)
            if Bool.random(using: &rng) || outstanding.isEmpty {
                let bytes = Int.random(in: 50...1200, using: &rng)
                d.onPacketSent(SentPacket(packetNumber: next, timeSent: at(now), sentBytes: bytes, isAckEliciting: true, isInFlight: true),
                               space: .applicationData, now: at(now))
                outstanding[next] = bytes
                next += 1 + UInt64.random(in: 0...1, using: &rng)
            } else if Int.random(in: 0..<4, using: &rng) == 0, let timer = d.lossDetectionTimer {
                now = max(now, Double(timer.nanoseconds) / 1e6)
                _ = d.onLossDetectionTimeout(now: at(now), lost: &lost)
            } else {
                let top = outstanding.keys.max()!
                let low = top - min(top, UInt64.random(in: 0...6, using: &rng))
                try d.onAckReceived(ranges: [low...top], ackDelay: .zero, space: .applicationData, now: at(now), acked: &acked, lost: &lost)
            }
            for p in acked { outstanding[p.packetNumber] = nil }
            for p in lost { outstanding[p.packetNumber] = nil }
            acked.removeAll(keepingCapacity: true)
            lost.removeAll(keepingCapacity: true)
            #expect(d.bytesInFlight == outstanding.values.reduce(0, +))
            #expect(d.congestion.congestionWindow >= CongestionConstants().minimumWindow)
        }
    }
}

@Suite("Congestion controllers and pacing")
struct CongestionTests {
    let rtt: RTTEstimator = {
        var r = RTTEstimator()
        r.update(latestRTT: .milliseconds(100), ackDelay: .zero, maxAckDelay: .zero, handshakeConfirmed: true, now: .zero)
        return r
    }()

    @Test("NewReno: slow start doubles, loss halves once per recovery period, avoidance adds one datagram per window (§7.3)")
    func newReno() {
        var cc = NewReno()
        #expect(cc.congestionWindow == 12000)  // min(10 × 1200, max(14720, 2400))
        cc.onPacketAcked(bytes: 12000, sentTime: at(0), isAppLimited: false, rtt: rtt, now: at(100))
        #expect(cc.congestionWindow == 24000)
        cc.onPacketAcked(bytes: 1200, sentTime: at(0), isAppLimited: true, rtt: rtt, now: at(100))
        #expect(cc.congestionWindow == 24000)  // application-limited: no growth (§7.8)
        cc.onCongestionEvent(sentTime: at(90), now: at(110))
        #expect(cc.congestionWindow == 12000 && cc.slowStartThreshold == 12000)
        cc.onCongestionEvent(sentTime: at(100), now: at(120))  // sent before recovery started: same period
        #expect(cc.congestionWindow == 12000)
        cc.onPacketAcked(bytes: 1200, sentTime: at(105), isAppLimited: false, rtt: rtt, now: at(130))
        #expect(cc.congestionWindow == 12000)  // sent during recovery
        for _ in 0..<10 { cc.onPacketAcked(bytes: 1200, sentTime: at(200), isAppLimited: false, rtt: rtt, now: at(300)) }
        #expect(cc.congestionWindow == 13200)
        cc.onPersistentCongestion()
        #expect(cc.congestionWindow == 2400)
    }

    @Test("CUBIC: β = 0.7 reduction, K = cbrt(W_max·(1−β)/C), W_cubic(K) = W_max, fast convergence (RFC 9438 §4)")
    func cubic() {
        var cc = Cubic()
        cc.onPacketAcked(bytes: 108_000, sentTime: at(0), isAppLimited: false, rtt: rtt, now: at(1))  // cwnd 120000 = 100 segments
        #expect(cc.congestionWindow == 120_000)
        cc.onCongestionEvent(sentTime: at(1), now: at(2))
        #expect(cc.congestionWindow == 84_000)
        #expect(cc.windowMax == 120_000)
        let k = cbrtReference(100 * 0.3 / 0.4)
        #expect(abs(cc.cubicWindow(secondsSinceEpoch: k) - 120_000) < 1)
        #expect(abs(cc.cubicWindow(secondsSinceEpoch: 0) - 84_000) < 1)
        // Growth after the reduction: concave towards W_max, never above 1.5 × cwnd per RTT.
        var now = 200.0
        var previous = cc.congestionWindow
        for _ in 0..<2000 {
            now += 5
            cc.onPacketAcked(bytes: 1200, sentTime: at(now - 100), isAppLimited: false, rtt: rtt, now: at(now))
            #expect(cc.congestionWindow >= previous)
            previous = cc.congestionWindow
        }
        #expect(cc.congestionWindow > 84_000)
        // Fast convergence: a loss below the previous W_max sets W_max = cwnd·(1+β)/2.
        var fc = Cubic()
        fc.onPacketAcked(bytes: 108_000, sentTime: at(0), isAppLimited: false, rtt: rtt, now: at(1))
        fc.onCongestionEvent(sentTime: at(1), now: at(2))       // W_max 120000, cwnd 84000
        fc.onCongestionEvent(sentTime: at(3), now: at(4))       // cwnd 84000 < 120000
        #expect(abs(fc.windowMax - 84_000 * 1.7 / 2) < 1)
        #expect(fc.congestionWindow == 58_800)
    }

    @Test("pacer: a burst of up to 10 datagrams, then 1.25 × cwnd / srtt (RFC 9002 §7.7)")
    func pacer() {
        var pacer = Pacer()
        let window = 120_000
        var sent = 0
        while pacer.nextSendTime(bytes: 1200, now: at(0), window: window, smoothedRTT: .milliseconds(100), maxDatagramSize: 1200) == nil {
            pacer.onSent(bytes: 1200)
            sent += 1
        }
        #expect(sent == 10)
        // 1200 bytes at 1.25 × 120000 B / 100 ms = 1500 B/ms → 0.8 ms.
        let next = pacer.nextSendTime(bytes: 1200, now: at(0), window: window, smoothedRTT: .milliseconds(100), maxDatagramSize: 1200)
        #expect(next == at(0.8))
        let result7 = pacer.nextSendTime(bytes: 1200, now: at(0.8), window: window, smoothedRTT: .milliseconds(100), maxDatagramSize: 1200)
        #expect(result7 == nil)
    }
}

/// Cube root by bisection, independent of the library's Newton iteration.
func cbrtReference(_ x: Double) -> Double {
    var low = 0.0, high = max(1, x)
    for _ in 0..<200 { let mid = (low + high) / 2; if mid * mid * mid < x { low = mid } else { high = mid } }
    return (low + high) / 2
}
