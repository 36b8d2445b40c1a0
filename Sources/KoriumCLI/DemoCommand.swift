import ArgumentParser
import Foundation
import KoriumDHT
import KoriumGossip

/// `korium demo`: a local multi-node cluster in one process. Each node has its own Ed25519
/// identity and `QUICEndpoint` on its own loopback address (127.0.0.1, .2, …: the DHT admits at
/// most `DHTLimits.directPeerPerIPLimit` contacts per IP, a Sybil defence that would otherwise cap
/// every routing table at 5), with mutual TLS. The nodes join the DHT through node 0, store and
/// find values, join a gossip topic and publish signed messages; the command exits 0 only if
/// every value is found and every message reaches every node within `--timeout` seconds.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a local multi-node DHT + GossipSub cluster over QUIC and check it.")

    @Option(help: "Number of nodes (2...200).") var nodes = 8
    @Option(help: "Values stored in the DHT (each looked up by every other node).") var values = 3
    @Option(help: "Gossip messages published (round-robin over the nodes).") var messages = 5
    @Option(help: "Wall-clock limit for the whole run, seconds.") var timeout = 30.0
    @Option(help: "Proof-of-work bits of the node identities (production: 24).") var powBits = 8
    @Option(help: "Gossip heartbeat interval, milliseconds.") var heartbeatMs = 200

    func validate() throws {
        guard (2...200).contains(nodes) else { throw ValidationError("--nodes must be 2...200") }
        guard (0...100).contains(values), (0...1_000).contains(messages) else { throw ValidationError("--values ≤ 100, --messages ≤ 1000") }
        guard timeout > 0, (0...24).contains(powBits), heartbeatMs >= 10 else { throw ValidationError("bad --timeout/--pow-bits/--heartbeat-ms") }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let deadline = started + .milliseconds(Int64(timeout * 1_000))
        let run = DemoRun(command: self, deadline: deadline)
        // Every phase polls the deadline; a network await that outlives it (a handshake that
        // never completes) is cut by this watchdog, so the run is bounded whatever happens.
        let watchdog = Task.detached {
            try await Task.sleep(until: deadline + .seconds(5), clock: .continuous)
            DemoOutput.line("demo: FAILED: still running 5 s after the \(timeout) s deadline")
            Foundation.exit(1)
        }
        defer { watchdog.cancel() }
        let ok: Bool
        do {
            ok = try await run.execute()
        } catch {
            DemoOutput.line("demo: FAILED: \(error)")
            await run.shutdown()
            throw ExitCode(1)
        }
        await run.shutdown()
        let elapsed = QUICOutput.seconds(ContinuousClock.now - started)
        DemoOutput.line("demo: \(ok ? "PASS" : "FAIL") in \(QUICOutput.decimal(elapsed, places: 2)) s")
        if !ok { throw ExitCode(1) }
    }
}

/// One line of output, unbuffered.
enum DemoOutput {
    static func line(_ text: String) { QUICOutput.line(text) }
}
