import Foundation
import Testing

@testable import KoriumCLI

@Suite("korium sim")
struct SimCommandTests {
    @Test("sim flood reaches every node and writes the metrics CSV")
    func floodWritesCSV() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("korium-sim-\(UInt64.random(in: 0...UInt64.max)).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SimFloodCommand.parse(["--nodes", "300", "--seed", "4", "--quiet", "--csv", path]).run()
        let csv = try String(contentsOfFile: path, encoding: .utf8)
        #expect(csv.hasPrefix("class,metric,kind,count,sum,mean,min,p50,p90,p99,max\n"))
        #expect(csv.contains("all,flood.delivered,counter,299,"))
        #expect(csv.contains("all,flood.delivery_time_ns,histogram,299,"))
    }

    @Test("sim options are validated")
    func rejectsBadOptions() {
        #expect(throws: (any Error).self) { try SimFloodCommand.parse(["--nodes", "0"]) }
        #expect(throws: (any Error).self) { try SimFloodCommand.parse(["--loss", "1.5"]) }
        #expect(throws: (any Error).self) { try SimFloodCommand.parse(["--payload", "70000"]) }
    }

    @Test("resident memory and CPU time are readable")
    func processReadings() {
        #expect((SimOutput.residentBytes() ?? 0) > 1_000_000)
        #expect(SimOutput.cpuSeconds() > 0)
    }
}
