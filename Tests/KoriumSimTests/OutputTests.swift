import Testing
@testable import KoriumSim

@Suite("Output: formats, CSV, tables, metrics")
struct OutputTests {
    @Test func formatting() {
        #expect(SimFormat.fixed(3.14159, decimals: 2) == "3.14")
        #expect(SimFormat.fixed(-0.5, decimals: 0) == "-1")
        #expect(SimFormat.fixed(2, decimals: 3) == "2.000")
        #expect(SimFormat.fixed(0.05, decimals: 2) == "0.05")
        #expect(SimFormat.duration(nanoseconds: 850) == "850ns")
        #expect(SimFormat.duration(nanoseconds: 12_500) == "12.5µs")
        #expect(SimFormat.duration(nanoseconds: 3_250_000) == "3.25ms")
        #expect(SimFormat.duration(nanoseconds: 1_500_000_000) == "1.500s")
        #expect(SimFormat.grouped(1_234_567) == "1,234,567")
        #expect(SimFormat.grouped(-1000) == "-1,000")
        #expect(SimFormat.grouped(999) == "999")
        #expect(SimFormat.bytes(1536) == "1.50 KiB")
        #expect(SimFormat.percent(0.9995) == "99.95%")
        #expect(SimDuration(seconds: 1.5) == .milliseconds(1_500))
        #expect(SimDuration(.milliseconds(7)) == .milliseconds(7))
        #expect((SimInstant.zero + .seconds(2)).description == "t+2.000s")
    }

    @Test func csvQuotesPerRFC4180() {
        var csv = SimCSV(header: ["a", "b"])
        csv.row(["plain", "with,comma"])
        csv.row(["say \"hi\"", "line\nbreak"])
        #expect(csv.text == "a,b\nplain,\"with,comma\"\n\"say \"\"hi\"\"\",\"line\nbreak\"\n")
    }

    @Test func summaryTableAlignsColumns() {
        var t = SimSummaryTable(header: ["metric", "value"])
        t.add("nodes", "10,000")
        t.add("success", "99.50%")
        t.add("mode", "tiered")
        let lines = t.render().split(separator: "\n").map(String.init)
        #expect(lines == [
            "metric   value",
            "-------  ------",
            "nodes    10,000",
            "success  99.50%",
            "mode     tiered",
        ])
    }

    @Test func progressBar() {
        let bar = SimProgressBar(width: 10)
        #expect(bar.render(fraction: 0.5, detail: "t=5s") == "[#####-----]  50.0%  t=5s")
        #expect(bar.render(fraction: 2) == "[##########] 100.0%")
        #expect(bar.render(fraction: .nan) == "[----------]   0.0%")
    }

    @Test func metricsPerClassAndCSV() {
        let m = SimMetrics()
        let honest = m.nodeClass("honest")
        let sybil = m.nodeClass("sybil")
        #expect(m.nodeClass("honest") == honest)
        let c = m.counter("lookups")
        let h = m.histogram("latency")
        m.add(c, 3, nodeClass: honest)
        m.add(c, 2, nodeClass: sybil)
        m.record(h, 100, nodeClass: honest)
        m.record(h, 300, nodeClass: sybil)
        #expect(m.value(c) == 5)
        #expect(m.value(c, nodeClass: sybil) == 2)
        #expect(m.histogram(h).count == 2)
        #expect(m.histogram(h, nodeClass: honest).max == 100)
        let csv = m.csv()
        #expect(csv.hasPrefix("class,metric,kind,count,sum,mean,min,p50,p90,p99,max\n"))
        #expect(csv.contains("all,lookups,counter,5,"))
        #expect(csv.contains("sybil,latency,histogram,1,300,300.000,300,300,300,300,300"))
        m.reset()
        #expect(m.value(c) == 0)
        #expect(m.counter("lookups") == c)
    }
}

@Suite("Time series")
struct SimTimeSeriesTests {
    @Test func keepsEvenlySpacedBoundedRows() {
        var s = SimTimeSeries(columns: ["k", "alpha"])
        for i in 0..<25_000 { s.add(SimInstant.zero + .seconds(i), [Double(i), 3]) }
        #expect(s.rows.count < SimTimeSeries.maxRows)
        #expect(s.rows.count > SimTimeSeries.maxRows / 4)
        let gaps = Set(zip(s.rows.dropFirst(), s.rows).map { $0.0.time.nanoseconds - $0.1.time.nanoseconds })
        #expect(gaps.count == 1)
        #expect(s.csv().hasPrefix("time_s,k,alpha\n0.000000,0.000000,3.000000\n"))
    }
}
