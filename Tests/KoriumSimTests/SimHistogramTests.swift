import Glibc
import Testing
@testable import KoriumSim

@Suite("Histogram")
struct SimHistogramTests {
    /// Against exact order statistics of 50,000 log-uniform values from 1 ns to 100 s: every
    /// reported quantile is within 1 % of the exact one (the bucket bound is 1/128 ≈ 0.8 %).
    @Test func quantilesWithinOnePercent() {
        var r = SimRandom(seed: 5)
        var h = SimHistogram()
        var values = [UInt64]()
        for _ in 0..<50_000 {
            let v = UInt64(Glibc.pow(10, r.nextDouble() * 11))
            values.append(v)
            h.record(v)
        }
        values.sort()
        for q in [0.01, 0.1, 0.5, 0.9, 0.99, 0.999] {
            let exact = Double(values[Int((q * Double(values.count)).rounded(.up)) - 1])
            let got = Double(h.quantile(q))
            #expect(abs(got - exact) <= max(1, exact * 0.01), "q=\(q) exact=\(exact) got=\(got)")
        }
        #expect(h.count == 50_000)
        #expect(h.min == values.first)
        #expect(h.max == values.last)
        #expect(h.quantile(1) == values.last)
    }

    @Test func smallValuesAreExactAndBucketsCoverTheRange() {
        var h = SimHistogram()
        for v in 0..<64 { h.record(UInt64(v)) }
        #expect(h.p50 == 31)
        #expect(h.quantile(0) == 0)
        var big = SimHistogram()
        big.record(.max)
        big.record(1 << 63)
        #expect(big.max == .max)
        #expect(SimHistogram.bucket(of: .max) == SimHistogram.bucketCount - 1)
        for v: UInt64 in [64, 65, 127, 128, 1000, 1 << 40, (1 << 40) + 12345] {
            let (low, width) = SimHistogram.range(of: SimHistogram.bucket(of: v))
            #expect(low <= v && v - low < width)
        }
    }

    @Test func mergeAddsEverything() {
        var a = SimHistogram(), b = SimHistogram()
        for v in 1...1000 { a.record(UInt64(v)) }
        for v in 1001...2000 { b.record(UInt64(v)) }
        a.merge(b)
        #expect(a.count == 2000)
        #expect(a.min == 1 && a.max == 2000)
        #expect(abs(Double(a.p50) - 1000) <= 10)
        #expect(SimHistogram().p99 == 0)
    }
}
