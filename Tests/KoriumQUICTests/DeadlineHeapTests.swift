import Testing

@testable import KoriumQUIC

/// The endpoint's timer heap against a sorted array.
@Suite struct DeadlineHeapTests {
    @Test func popsInDeadlineOrderAndCompactsInPlace() {
        var heap = DeadlineHeap()
        var reference: [UInt64] = []
        var state: UInt64 = 12_345
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 40
        }
        for round in 0..<2_000 {
            if next() % 3 == 0, let top = heap.pop() {
                #expect(top.deadline.nanoseconds == reference.min())
                reference.remove(at: reference.firstIndex(of: top.deadline.nanoseconds)!)
            } else {
                let d = next()
                heap.push(.init(deadline: Instant(nanoseconds: d), index: UInt32(round), generation: 0))
                reference.append(d)
            }
            if round % 500 == 499 {
                // Drop odd deadlines in place; order must survive.
                heap.removeAll { $0.deadline.nanoseconds % 2 == 1 }
                reference.removeAll { $0 % 2 == 1 }
            }
            #expect(heap.count == reference.count)
        }
        var drained: [UInt64] = []
        while let e = heap.pop() { drained.append(e.deadline.nanoseconds) }
        #expect(drained == reference.sorted())
    }
}
