import Testing
@testable import KoriumDHT

@Suite struct LRUMapTests {
    @Test func evictsLeastRecentlyUsedAndKeepsOrder() {
        var m = LRUMap<Int, String>(capacity: 3)
        m.set(1, "a"); m.set(2, "b"); m.set(3, "c")
        #expect(m.get(1) == "a") // 1 is now most recent
        let evicted = m.set(4, "d")
        #expect(evicted?.key == 2)
        #expect(m.entries.map(\.key) == [4, 1, 3])
        #expect(m.remove(1) == "a")
        m.set(5, "e"); m.set(6, "f")
        #expect(m.count == 3 && !m.contains(3))
        #expect(m.removeLeastRecentlyUsed()?.key == 4)
    }

    @Test func matchesAReferenceModelUnderRandomOperations() {
        var rng = TestRNG(12)
        var m = LRUMap<Int, Int>(capacity: 8)
        var model: [(Int, Int)] = [] // most recent first
        for _ in 0..<5_000 {
            let k = Int(rng.next() % 16)
            switch rng.next() % 3 {
            case 0:
                m.set(k, k * 2)
                model.removeAll { $0.0 == k }
                model.insert((k, k * 2), at: 0)
                if model.count > 8 { model.removeLast() }
            case 1:
                let v = m.get(k)
                if let i = model.firstIndex(where: { $0.0 == k }) {
                    #expect(v == model[i].1)
                    model.insert(model.remove(at: i), at: 0)
                } else { #expect(v == nil) }
            default:
                m.remove(k)
                model.removeAll { $0.0 == k }
            }
            #expect(m.entries.map(\.key) == model.map(\.0))
        }
    }

    @Test func storageShrinksAfterABurstAndOrderSurvives() {
        var m = LRUMap<Int, Int>(capacity: 10_000)
        for k in 0..<1_000 { m.set(k, k) }
        let grown = m.storageCapacity
        #expect(grown.slots >= 1_000 && grown.index >= 1_000)
        for k in 0..<990 { m.remove(k) }
        let shrunk = m.storageCapacity
        #expect(shrunk.slots < 100 && shrunk.index < 100)
        #expect(m.entries.map(\.key) == Array((990..<1_000).reversed()))
        let got = m.get(995)
        #expect(got == 995 && m.peek(990) == 990)
        let lru = m.removeLeastRecentlyUsed()
        #expect(lru?.key == 990)
    }

    @Test func rateLimiterForgetsCountersWhoseWindowPassed() {
        var r = RateLimiter<Int>(limit: 2, window: .seconds(60), trackedKeys: 1_000)
        var admitted = 0
        for k in 0..<500 where r.allow(k, now: t0) { admitted += 1 }
        #expect(admitted == 500 && r.trackedKeys == 500)
        let second = r.allow(1, now: t0 + .seconds(30)), third = r.allow(1, now: t0 + .seconds(30))
        #expect(second && !third)
        // Key 1's window still began at t0, so after a minute every counter has passed its
        // window and the next charge drops them all (key 1 too, although it was the most
        // recently charged).
        let fresh = r.allow(7, now: t0 + .seconds(61))
        #expect(fresh && r.trackedKeys == 1)
        #expect(r.used(1, now: t0 + .seconds(61)) == 0)
        #expect(r.used(7, now: t0 + .seconds(61)) == 1)
        // Dropping passed windows changes no decision: key 1 gets a fresh full window.
        let again = [r.allow(1, now: t0 + .seconds(62)), r.allow(1, now: t0 + .seconds(62)),
                     r.allow(1, now: t0 + .seconds(62))]
        #expect(again == [true, true, false])
    }

    @Test func rateLimiterWindows() {
        var r = RateLimiter<Int>(limit: 3, window: .seconds(60), trackedKeys: 2)
        let first = [r.allow(1, now: t0), r.allow(1, now: t0), r.allow(1, now: t0)]
        #expect(first == [true, true, true])
        let fourth = r.allow(1, now: t0 + .seconds(59))
        #expect(!fourth)
        let nextWindow = r.allow(1, now: t0 + .seconds(60))
        #expect(nextWindow)
        let tooExpensive = r.allow(2, cost: 4, now: t0)
        #expect(!tooExpensive)
    }
}
