import Testing
@testable import KoriumSim

/// The impairment proxy's sans-IO core and its script syntax, on a virtual clock.
@Suite("Impairment core")
struct ImpairmentTests {
    /// Feeds `count` datagrams of `size` bytes (first byte = index) one per `interval`, and
    /// collects deliveries (time, direction, bytes) by stepping to each deadline.
    func drive(_ core: inout ImpairmentCore, count: Int, size: Int = 100, interval: SimDuration = .milliseconds(1),
               direction: ImpairmentDirection = .clientToServer) -> [(at: SimInstant, bytes: [UInt8])] {
        var out: [(at: SimInstant, bytes: [UInt8])] = []
        var now = SimInstant.zero
        func collect(_ core: inout ImpairmentCore, _ t: SimInstant) {
            core.advance(now: t)
            while core.pollDelivery(now: t, { _, _, bytes in out.append((t, Array(bytes))) }) {}
        }
        for i in 0..<count {
            while let d = core.nextDeadline, d <= now { collect(&core, d) }
            var bytes = [UInt8](repeating: 0, count: size)
            bytes[0] = UInt8(truncatingIfNeeded: i)
            bytes[1] = UInt8(truncatingIfNeeded: i >> 8)
            bytes.withUnsafeBytes { core.handle($0, direction: direction, tag: 7, now: now) }
            now += interval
        }
        while let d = core.nextDeadline { collect(&core, d) }
        return out
    }

    func core(seed: UInt64 = 1, _ c2s: String = "", script: String = "", slots: Int = 1_024) throws -> ImpairmentCore {
        var p = ImpairmentParameters()
        for s in try ImpairmentScript.parseSettings(Substring(c2s)) { s.apply(to: &p) }
        return ImpairmentCore(seed: seed, clientToServer: p, serverToClient: ImpairmentParameters(),
                              script: try ImpairmentScript.parse(Substring(script)), slotCount: slots)
    }

    @Test func parsesSettings() throws {
        let s = try ImpairmentScript.parseSettings("loss=5%,corrupt=0.01 dup=1% reorder=10%,reorder-delay=5ms,delay=100ms,jitter=10ms,rate=10mbit,queue=64kb,burst=16kb,mtu=1400,corrupt-bits=4")
        #expect(s == [.loss(0.05), .corrupt(0.01), .duplicate(0.01), .reorder(0.1), .reorderDelay(.milliseconds(5)),
                      .delay(.milliseconds(100)), .jitter(.uniform(max: .milliseconds(10))), .rate(bitsPerSecond: 10_000_000),
                      .queue(bytes: 65_536), .burst(bytes: 16_384), .mtu(1_400), .corruptBits(4)])
        #expect(try ImpairmentScript.parseDuration("1.5s") == .milliseconds(1_500))
        #expect(try ImpairmentScript.parseDuration("250us") == .microseconds(250))
        #expect(try ImpairmentScript.parseBitRate("1gbit") == 1_000_000_000)
    }

    @Test func parsesScript() throws {
        let events = try ImpairmentScript.parse("""
            # handshake under loss, then a clean path
            0s loss=30%
            2s c2s blackhole 500ms; 3s rebind-port
            4s rebind-addr   # comment
            5s s2c delay=10ms
            """)
        #expect(events == [
            ImpairmentEvent(at: .zero, .set(.both, [.loss(0.3)])),
            ImpairmentEvent(at: .seconds(2), .blackhole(.only(.clientToServer), .milliseconds(500))),
            ImpairmentEvent(at: .seconds(3), .rebind(.port)),
            ImpairmentEvent(at: .seconds(4), .rebind(.address)),
            ImpairmentEvent(at: .seconds(5), .set(.only(.serverToClient), [.delay(.milliseconds(10))])),
        ])
        #expect(try ImpairmentScript.parseBlackhole("2s@3s") == ImpairmentEvent(at: .seconds(3), .blackhole(.both, .seconds(2))))
    }

    @Test(arguments: ["loss=150%", "loss=-1", "loss", "bogus=1", "delay=5", "delay=5h", "rate=10furlongs",
                      "corrupt-bits=0", "corrupt-bits=65", "mtu=70000", "delay=1e3ms", "loss=nan%", "jitter=٣ms"])
    func rejectsBadSettings(_ text: String) {
        #expect(throws: ImpairmentScriptError.self) { try ImpairmentScript.parseSettings(Substring(text)) }
    }

    @Test(arguments: ["3s", "x loss=1%", "1s rebind-port now", "1s blackhole", "1s c2s", "2s@", "1s blackhole 1s 2s"])
    func rejectsBadLines(_ text: String) {
        #expect(throws: ImpairmentScriptError.self) {
            if text.contains("@") { _ = try ImpairmentScript.parseBlackhole(Substring(text)) }
            else { _ = try ImpairmentScript.parse(Substring(text)) }
        }
    }

    /// The same seed gives the same deliveries; another seed does not.
    @Test func deterministicForSeed() throws {
        func run(_ seed: UInt64) throws -> [[UInt8]] {
            var c = try core(seed: seed, "loss=20%,dup=5%,reorder=10%,jitter=3ms,corrupt=5%")
            return drive(&c, count: 2_000).map(\.bytes)
        }
        let a = try run(9)
        #expect(a == (try run(9)))
        #expect(a != (try run(10)))
    }

    /// Loss 25 % over 20,000: within ±1.5 pp (σ = 0.31 pp); the counters add up.
    @Test func lossRate() throws {
        var c = try core(seed: 4, "loss=25%")
        let out = drive(&c, count: 20_000)
        let s = c.counters(.clientToServer)
        #expect(abs(1 - Double(out.count) / 20_000 - 0.25) <= 0.015)
        #expect(s.lost + s.forwarded == 20_000 && s.held == 0 && s.forwarded == out.count)
    }

    /// A fixed delay delays every datagram by exactly that much (the clock is virtual).
    @Test func fixedDelay() throws {
        var c = try core("delay=100ms")
        let out = drive(&c, count: 10, interval: .milliseconds(5))
        #expect(out.map(\.at) == (0..<10).map { SimInstant(nanoseconds: 100_000_000 + Int64($0) * 5_000_000) })
    }

    /// Corrupted datagrams differ in exactly `corrupt-bits` bits; the rest are untouched.
    @Test func corruptionFlipsExactBits() throws {
        var c = try core(seed: 2, "corrupt=50%,corrupt-bits=5")
        let out = drive(&c, count: 1_000, size: 40)
        var changed = 0
        for d in out {
            var original = [UInt8](repeating: 0, count: 40)
            let i = Int(d.bytes[0]) | Int(d.bytes[1]) << 8
            original[0] = UInt8(truncatingIfNeeded: i)
            original[1] = UInt8(truncatingIfNeeded: i >> 8)
            let distance = zip(d.bytes.dropFirst(2), original.dropFirst(2)).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
            // Flips in the index bytes change the index itself; count those via the tail only when clean.
            if distance > 0 { changed += 1 }
            #expect(distance <= 5)
        }
        #expect(c.counters(.clientToServer).corrupted >= changed)
        #expect(abs(Double(c.counters(.clientToServer).corrupted) / 1_000 - 0.5) <= 0.07)
    }

    /// A blackhole drops exactly the datagrams arriving inside its window, in the scoped direction.
    @Test func blackholeWindow() throws {
        var c = try core(script: "300ms c2s blackhole 200ms")
        let out = drive(&c, count: 1_000)
        let indices = out.map { Int($0.bytes[0]) | Int($0.bytes[1]) << 8 }
        #expect(indices == Array(0..<300) + Array(500..<1_000))
        #expect(c.counters(.clientToServer).blackholed == 200)
        var other = try core(script: "300ms s2c blackhole 200ms")
        #expect(drive(&other, count: 1_000).count == 1_000)
    }

    /// Scripted parameter changes take effect at their time.
    @Test func scriptedChange() throws {
        var c = try core(script: "0s loss=100%; 100ms loss=0")
        let out = drive(&c, count: 200)
        #expect(out.count == 100 && out.first?.bytes[0] == 100)
    }

    /// Rate 8 Mbit/s, 1,000-byte datagrams offered every 0.5 ms (twice the rate): deliveries
    /// are spaced exactly 1 ms apart, and the 10 kB queue tail-drops the excess.
    @Test func rateLimitSpacing() throws {
        var c = try core("rate=8mbit,queue=10000")
        let out = drive(&c, count: 200, size: 1_000, interval: .microseconds(500))
        let gaps = zip(out.dropFirst(), out).map { ($0.0.at - $0.1.at).nanoseconds }
        #expect(gaps.allSatisfy { $0 == 1_000_000 })
        let s = c.counters(.clientToServer)
        #expect(s.queueDropped > 0 && s.queueDropped + s.forwarded == 200)
        // 200 offered over 100 ms; 100 ms at the rate sends ~100, plus the 10-datagram queue.
        #expect(s.forwarded >= 105 && s.forwarded <= 112, "forwarded \(s.forwarded)")
    }

    /// A token bucket with a burst lets a burst through at once before the rate applies.
    @Test func burstAllowance() throws {
        var c = try core("rate=8mbit,burst=5000,queue=100000")
        let out = drive(&c, count: 20, size: 1_000, interval: .zero)
        // Five datagrams fit the 5,000-byte bucket and leave after their own serialisation only.
        #expect(out[4].at <= SimInstant(nanoseconds: 5_000_000))
        #expect(out[19].at == SimInstant(nanoseconds: 15_000_000))
    }

    /// With every slot taken, further datagrams are dropped and counted.
    @Test func slotOverflow() throws {
        var c = try core("delay=1s", slots: 8)
        let out = drive(&c, count: 20)
        #expect(out.count == 8 && c.counters(.clientToServer).overflowed == 12)
    }

    /// Rebinds come out of `pollRebind` once their time has passed, in order.
    @Test func rebindEvents() throws {
        var c = try core(script: "1s rebind-port; 2s rebind-addr")
        var bytes: [UInt8] = [1]
        bytes.withUnsafeBytes { c.handle($0, direction: .clientToServer, tag: 0, now: SimInstant(nanoseconds: 5)) }
        #expect(c.nextDeadline == SimInstant(nanoseconds: 5))
        while c.pollDelivery(now: SimInstant(nanoseconds: 5), { _, _, _ in }) {}
        #expect(c.nextDeadline == SimInstant(nanoseconds: 1_000_000_005))
        c.advance(now: SimInstant(nanoseconds: 1_000_000_004))
        #expect(c.pollRebind() == nil)
        c.advance(now: SimInstant(nanoseconds: 3_000_000_000))
        #expect(c.pollRebind() == .port && c.pollRebind() == .address && c.pollRebind() == nil)
        bytes = []
        _ = bytes
    }
}
