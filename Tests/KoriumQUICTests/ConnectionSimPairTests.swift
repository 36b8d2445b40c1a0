import KoriumSim
import Testing

@testable import KoriumQUIC

/// A `Connection` as a `SimPollingCore`, with a small application on top: the client sends
/// `total` bytes on one stream and finishes; the server reads everything and records a checksum.
struct QUICSimCore: SimPollingCore {
    static let origin: UInt64 = 1_000_000_000

    let isClient: Bool
    let peer: SimNodeID
    var connection: Connection?
    var serverConfig: ConnectionConfiguration?
    var buffer = [UInt8](repeating: 0, count: 1500)
    var readBuffer = [UInt8](repeating: 0, count: 65536)
    // Client application.
    let total: Int
    var stream: StreamID?
    var sent = 0
    // Server application.
    var serverStream: StreamID?
    var received = 0
    var checksum: UInt64 = 0xcbf2_9ce4_8422_2325
    var finished = false
    var finishedAt: SimInstant?
    var closed: ConnectionError?

    static func instant(_ t: SimInstant) -> Instant { Instant(nanoseconds: origin + UInt64(t.nanoseconds)) }
    static func simInstant(_ t: Instant) -> SimInstant { SimInstant(nanoseconds: Int64(t.nanoseconds - origin)) }
    static func address(_ node: SimNodeID) -> PathAddress { PathAddress(ipv4: 0x0a00_0000 | UInt32(node.rawValue + 1), port: 443) }

    static func expectedChecksum(total: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in 0..<total { h = (h ^ UInt64(BulkTransfer.pattern(i))) &* 0x100_0000_01b3 }
        return h
    }

    mutating func handle(datagram: [UInt8], from source: SimNodeID, now: SimInstant) {
        var bytes = datagram
        if connection == nil, let config = serverConfig {
            guard let header = try? bytes.withUnsafeBytes({ try PacketHeader.parse($0, shortHeaderConnectionIDLength: 8) }),
                  header.type == .initial else { return }
            var scid = [UInt8](repeating: 0, count: 8)
            scid.withUnsafeMutableBytes { config.random($0) }
            connection = try? Connection(
                server: config, remote: Self.address(source), now: Self.instant(now),
                originalDestinationCID: header.destinationConnectionID, initialDestinationCID: header.destinationConnectionID,
                localCID: try ConnectionID(scid), retrySourceCID: nil, addressValidated: false)
        }
        bytes.withUnsafeMutableBytes { connection?.handle(datagram: $0, from: Self.address(source), now: Self.instant(now)) }
        runApplication(now: now)
    }

    mutating func handleTimeout(now: SimInstant) {
        connection?.handleTimeout(now: Self.instant(now))
        runApplication(now: now)
    }

    mutating func pollTransmit(now: SimInstant) -> (destination: SimNodeID, datagram: [UInt8])? {
        guard connection != nil else { return nil }
        runApplication(now: now)
        guard let t = buffer.withUnsafeMutableBytes({ connection!.pollTransmit(into: $0, now: Self.instant(now)) }) else { return nil }
        return (peer, Array(buffer[0..<t.count]))
    }

    func pollTimeout() -> SimInstant? { connection?.nextDeadline.map(Self.simInstant) }

    mutating func runApplication(now: SimInstant) {
        guard connection != nil else { return }
        while let event = connection!.pollEvent() {
            switch event {
            case .streamOpened(let id): serverStream = id
            case .closed(let error): closed = error
            default: break
            }
        }
        if isClient {
            if stream == nil { stream = connection!.openStream(bidirectional: false) }
            guard let id = stream, sent < total else { return }
            let chunk = (sent..<Swift.min(total, sent + 32768)).map(BulkTransfer.pattern)
            let n = (try? chunk.withUnsafeBytes { try connection!.write($0, to: id) }) ?? 0
            sent += n
            if sent == total { try? connection!.finish(id) }
        } else if let id = serverStream, !finished {
            while let r = try? readBuffer.withUnsafeMutableBytes({ try connection!.read(id, into: $0) }) {
                for b in readBuffer[0..<r.count] { checksum = (checksum ^ UInt64(b)) &* 0x100_0000_01b3 }
                received += r.count
                if r.isFinished {
                    finished = true
                    finishedAt = now
                    connection!.close(errorCode: 0, reason: [], now: Self.instant(now))
                    break
                }
                if r.count == 0 { break }
            }
        }
    }
}

@Suite("Connection on the simulated pair link")
struct ConnectionSimPairTests {
    struct Outcome: Equatable {
        var received: Int
        var finished: Bool
        var checksum: UInt64
        var traceHash: UInt64
        var clientLost: UInt64
        var elapsed: Int64
        var finishedAt: Int64?
        var clientState: ConnectionState?
        var serverState: ConnectionState?
    }

    func transfer(seed: UInt64, total: Int, loss: Double, reorder: Double, congestion: CongestionAlgorithm = .cubic) throws -> Outcome {
        var (clientConfig, serverConfig) = TestIdentities.configurations(seed: seed)
        clientConfig.congestion = congestion
        serverConfig.congestion = congestion
        let client = try Connection(client: clientConfig, remote: QUICSimCore.address(SimNodeID(1)),
                                    now: QUICSimCore.instant(.zero))
        let pair = SimPair(
            SimPollingNode(QUICSimCore(isClient: true, peer: SimNodeID(1), connection: client, total: total)),
            SimPollingNode(QUICSimCore(isClient: false, peer: SimNodeID(0), serverConfig: serverConfig, total: 0)),
            seed: seed)
        pair.latency = .milliseconds(10)
        pair.loss = loss
        pair.reorder = reorder
        pair.drive(limit: .seconds(300))
        let server = pair[pair.b].core
        return Outcome(received: server.received, finished: server.finished, checksum: server.checksum,
                       traceHash: pair.simulation.traceHash,
                       clientLost: pair[pair.a].core.connection?.stats.packetsLost ?? 0,
                       elapsed: pair.now.nanoseconds, finishedAt: server.finishedAt?.nanoseconds,
                       clientState: pair[pair.a].core.connection?.state, serverState: server.connection?.state)
    }

    @Test("1 MB through 10 % loss and 20 % reordering completes intact; the same seed gives the same trace")
    func lossyReorderedTransfer() throws {
        let total = 1_000_000
        let first = try transfer(seed: 7, total: total, loss: 0.10, reorder: 0.20)
        #expect(first.finished)
        #expect(first.received == total)
        #expect(first.checksum == QUICSimCore.expectedChecksum(total: total))
        #expect(first.clientLost > 0)
        let second = try transfer(seed: 7, total: total, loss: 0.10, reorder: 0.20)
        #expect(second == first)
        let other = try transfer(seed: 8, total: total, loss: 0.10, reorder: 0.20)
        #expect(other.traceHash != first.traceHash)
        #expect(other.finished)
    }

    @Test("NewReno also completes a lossy transfer")
    func newRenoTransfer() throws {
        let outcome = try transfer(seed: 3, total: 200_000, loss: 0.05, reorder: 0.10, congestion: .newReno)
        #expect(outcome.finished)
        #expect(outcome.checksum == QUICSimCore.expectedChecksum(total: 200_000))
    }
}
