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
