import Testing

@testable import KoriumCLI

@Suite("korium io-bench")
struct IOBenchCommandTests {
    @Test("both modes deliver every datagram in order on loopback", arguments: [IOBench.Mode.mmsg, .gso])
    func smallRun(mode: IOBench.Mode) throws {
        let r = try IOBench.run(mode: mode, datagrams: 2_000, size: 1_200, batch: 64, ipv6: false)
        #expect(r.received == 2_000)
        #expect(r.lost == 0)
        #expect(r.misordered == 0)
        #expect(r.wallSeconds > 0)
    }

    @Test("options are validated")
    func validation() {
        #expect(throws: (any Error).self) { try IOBenchCommand.parse(["--size", "4"]) }
        #expect(throws: (any Error).self) { try IOBenchCommand.parse(["--mode", "carrier-pigeon"]) }
    }
}
