import ArgumentParser
import Glibc
import KoriumIO
import KoriumNetem
import KoriumSim
import Synchronization

/// The signal that asked `korium netem-proxy` to stop (0 while running).
let netemStopSignal = Atomic<Int32>(0)

/// `korium netem-proxy`: a seeded, scriptable userspace UDP impairment proxy for loopback
/// interop tests (this kernel has no netem qdisc). Clients send to `--listen`; the proxy
/// forwards to `--server` and back, applying loss, corruption, duplication, reordering,
/// delay/jitter, rate limits, timed blackholes and NAT rebinding per direction.
///
/// On start it prints `netem-proxy listening on ADDR server ADDR seed N` (flushed); on exit
/// (SIGINT, SIGTERM or `--duration`) it prints the counters as one line of `key=value` pairs
/// (`NetemProxyStats.line`).
struct NetemProxyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netem-proxy",
        abstract: "Forward UDP between a client and a server with seeded, scripted impairments.",
        discussion: """
            SETTINGS are key=value pairs separated by commas: loss, corrupt, dup, reorder (5% or 0.05),
            corrupt-bits (1-64), reorder-delay, delay, jitter, jitter-exp (100ms, 2s, 250us),
            rate (10mbit, 1gbit), queue, burst (64kb, 1500), mtu.
            Script lines (--at, --script; times count from the first datagram):
              TIME [both|c2s|s2c] SETTINGS      e.g. '3s c2s loss=0'
              TIME [both|c2s|s2c] blackhole DURATION
              TIME rebind-port | TIME rebind-addr
            Examples:
              korium netem-proxy --server 127.0.0.1:4433 --listen 127.0.0.1:5000 --set loss=30%
              korium netem-proxy --server 127.0.0.1:4433 --set delay=100ms --blackhole 2s@3s
              korium netem-proxy --server 127.0.0.1:4433 --rebind-port 1s --rebind-addr 2s
            """)

    @Option(help: "Address clients send to (port 0 picks one; [::1]:0 for IPv6).") var listen = "127.0.0.1:0"
    @Option(help: "Server address to forward to.") var server: String
    @Option(help: "Seed of every random decision.") var seed: UInt64 = 1
    @Option(name: .customLong("set"), help: "SETTINGS for both directions (repeatable).") var both: [String] = []
    @Option(help: "SETTINGS for client → server (repeatable).") var c2s: [String] = []
    @Option(help: "SETTINGS for server → client (repeatable).") var s2c: [String] = []
    @Option(help: "A script line, e.g. '3s loss=0' (repeatable).") var at: [String] = []
    @Option(help: "A file of script lines.") var script: String?
    @Option(help: "DURATION@START: 100 % loss both ways, e.g. 2s@3s (repeatable).") var blackhole: [String] = []
    @Option(help: "TIME: rebind the client to a new source port (repeatable).") var rebindPort: [String] = []
    @Option(help: "TIME: rebind the client to a new 127.0.0.x address (repeatable).") var rebindAddr: [String] = []
    @Option(help: "Exit after this long (e.g. 30s); default: until SIGINT/SIGTERM.") var duration: String?
    @Option(help: "Largest datagram carried (larger ones are dropped and counted).") var maxDatagram = ImpairmentCore.defaultMaxDatagramSize
    @Option(help: "Datagrams held at once (delay and rate queues).") var slots = ImpairmentCore.defaultSlotCount

    func validate() throws {
        guard maxDatagram > 0, maxDatagram <= 65_535 else { throw ValidationError("--max-datagram must be in 1...65535") }
        guard slots > 0, slots <= 1 << 20 else { throw ValidationError("--slots must be in 1...1048576") }
    }

    func makeConfiguration() throws -> NetemProxyConfiguration {
        var c = NetemProxyConfiguration(listen: try SocketAddress(parsing: listen), server: try SocketAddress(parsing: server))
        c.seed = seed
        c.maxDatagramSize = maxDatagram
        c.slotCount = slots
        for spec in both {
            for s in try ImpairmentScript.parseSettings(Substring(spec)) {
                s.apply(to: &c.clientToServer)
                s.apply(to: &c.serverToClient)
            }
        }
        for spec in c2s { for s in try ImpairmentScript.parseSettings(Substring(spec)) { s.apply(to: &c.clientToServer) } }
        for spec in s2c { for s in try ImpairmentScript.parseSettings(Substring(spec)) { s.apply(to: &c.serverToClient) } }
        var events: [ImpairmentEvent] = []
        if let script {
            events += try ImpairmentScript.parse(Substring(try readTextFile(script)))
        }
        for line in at { events += try ImpairmentScript.parse(Substring(line)) }
        for b in blackhole { events.append(try ImpairmentScript.parseBlackhole(Substring(b))) }
        for t in rebindPort { events.append(ImpairmentEvent(at: try ImpairmentScript.parseDuration(Substring(t)), .rebind(.port))) }
        for t in rebindAddr { events.append(ImpairmentEvent(at: try ImpairmentScript.parseDuration(Substring(t)), .rebind(.address))) }
        guard events.count <= ImpairmentScript.maxEvents else {
            throw ValidationError("more than \(ImpairmentScript.maxEvents) script events")
        }
        c.script = events
        return c
    }

    func run() throws {
        let configuration = try makeConfiguration()
        let limit = try duration.map { try ImpairmentScript.parseDuration(Substring($0)) }
        // The async main may run this on any thread, so a handler (not a blocked mask) catches the
        // signals; it only stores the number in an atomic (async-signal-safe: lock-free).
        netemStopSignal.store(0, ordering: .relaxed)
        signal(SIGINT) { netemStopSignal.store($0, ordering: .relaxed) }
        signal(SIGTERM) { netemStopSignal.store($0, ordering: .relaxed) }
        let proxy = try NetemProxy(configuration)
        let loop = try EventLoop()
        try proxy.start(on: loop)
        print("netem-proxy listening on \(proxy.listenAddress) server \(configuration.server) seed \(configuration.seed)")
        fflush(nil)  // all output streams (stdout itself is not concurrency-safe to name)
        let end = limit.map { ContinuousClock.now + $0.duration }
        while netemStopSignal.load(ordering: .relaxed) == 0 {
            if let end, ContinuousClock.now >= end { break }
            usleep(20_000)
        }
        loop.shutdown()
        print(proxy.stats.line)
        fflush(nil)  // all output streams (stdout itself is not concurrency-safe to name)
    }

    private func readTextFile(_ path: String) throws -> String {
        guard let file = fopen(path, "r") else { throw ValidationError("cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[..<n]
            guard bytes.count <= 1 << 20 else { throw ValidationError("\(path): script larger than 1 MiB") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
