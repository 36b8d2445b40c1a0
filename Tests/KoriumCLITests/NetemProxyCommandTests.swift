import KoriumIO
import KoriumNetem
import KoriumSim
import Testing

@testable import KoriumCLI

@Suite("korium netem-proxy")
struct NetemProxyCommandTests {
    @Test("options become per-direction parameters and one script")
    func configuration() throws {
        let command = try NetemProxyCommand.parse([
            "--server", "127.0.0.1:4433", "--listen", "127.0.0.1:5000", "--seed", "9",
            "--set", "loss=30%,delay=100ms", "--c2s", "corrupt=5%", "--s2c", "rate=10mbit,queue=64kb",
            "--blackhole", "2s@3s", "--rebind-port", "1s", "--rebind-addr", "4s", "--at", "5s c2s loss=0",
        ])
        let c = try command.makeConfiguration()
        #expect(c.server == SocketAddress(ip: .v4(.loopback), port: 4433))
        #expect(c.listen.port == 5000 && c.seed == 9)
        #expect(c.clientToServer.link.loss == 0.3 && c.serverToClient.link.loss == 0.3)
        #expect(c.clientToServer.link.extraDelay == .milliseconds(100) && c.serverToClient.link.extraDelay == .milliseconds(100))
        #expect(c.clientToServer.corrupt == 0.05 && c.serverToClient.corrupt == 0)
        #expect(c.serverToClient.link.bandwidthBitsPerSecond == 10_000_000 && c.clientToServer.link.bandwidthBitsPerSecond == 0)
        #expect(c.serverToClient.link.queueCapacityBytes == 65_536)
        #expect(Set(c.script.map(\.at)) == [.seconds(1), .seconds(3), .seconds(4), .seconds(5)])
        #expect(c.script.contains(ImpairmentEvent(at: .seconds(3), .blackhole(.both, .seconds(2)))))
        #expect(c.script.contains(ImpairmentEvent(at: .seconds(1), .rebind(.port))))
        #expect(c.script.contains(ImpairmentEvent(at: .seconds(4), .rebind(.address))))
        #expect(c.script.contains(ImpairmentEvent(at: .seconds(5), .set(.only(.clientToServer), [.loss(0)]))))
    }

    @Test("bad settings, addresses and sizes are refused")
    func refusals() throws {
        #expect(throws: (any Error).self) { try NetemProxyCommand.parse(["--server", "127.0.0.1:1", "--max-datagram", "0"]) }
        #expect(throws: (any Error).self) { try NetemProxyCommand.parse([]) }
        let badSetting = try NetemProxyCommand.parse(["--server", "127.0.0.1:1", "--set", "loss=2"])
        #expect(throws: ImpairmentScriptError.self) { try badSetting.makeConfiguration() }
        let badAddress = try NetemProxyCommand.parse(["--server", "localhost:1"])
        #expect(throws: (any Error).self) { try badAddress.makeConfiguration() }
        let badBlackhole = try NetemProxyCommand.parse(["--server", "127.0.0.1:1", "--blackhole", "2s"])
        #expect(throws: ImpairmentScriptError.self) { try badBlackhole.makeConfiguration() }
    }
}
