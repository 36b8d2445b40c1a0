import KoriumIO
import KoriumSim
import Synchronization

/// The UDP impairment proxy's IO driver: a listening socket for clients, one upstream socket
/// per client flow toward the server, and an `ImpairmentCore` deciding what happens to each
/// datagram, all run on an `EventLoop`.
///
/// Client datagrams arriving at `listenAddress` are impaired (client → server) and sent to the
/// server from the flow's upstream socket; server datagrams arriving at that socket are impaired
/// (server → client) and sent to the client from the listening socket, so the client always sees
/// the address it sent to. A rebind gives every flow a new upstream socket (new port, or new
/// 127.0.0.x address); the old binding stays open but drops what reaches it, like a NAT that
/// forgot the mapping.
///
/// Sendable: the loop-confined engine is touched only on the loop thread; what other threads
/// read (`stats`) is behind a mutex.
public final class NetemProxy: Sendable {
    /// Where clients send.
    public let listenAddress: SocketAddress
    /// The configuration it runs.
    public let configuration: NetemProxyConfiguration
    private let listener: UDPSocket
    private let shared = Mutex(NetemProxyStats())

    /// Binds the listening socket; nothing is forwarded until `start(on:)`.
    public init(_ configuration: NetemProxyConfiguration) throws(NetemProxyError) {
        guard configuration.slotCount > 0, configuration.maxDatagramSize > 0, configuration.maxFlows > 0 else {
            throw .invalidSize("slot count, largest datagram and flow cap")
        }
        let rebindsAddress = configuration.script.contains { $0.action == .rebind(.address) }
        if rebindsAddress {
            guard case .v4(let a) = configuration.server.ip, a.rawValue >> 24 == 127 else {
                throw .addressRebindNeedsIPv4Loopback(configuration.server)
            }
        }
        self.configuration = configuration
        let options = NetemProxy.socketOptions
        do {
            listener = try UDPSocket(binding: configuration.listen, options: options)
        } catch {
            throw .io(error)
        }
        listenAddress = listener.localAddress
    }

    /// Options of every proxy socket: plain datagrams, 4 MiB buffers (capped by the kernel's
    /// `net.core.rmem_max`/`wmem_max`) so bursts are not lost before the core sees them.
    static var socketOptions: UDPSocket.Options {
        var options = UDPSocket.Options()
        options.receivePacketInfo = false
        options.receiveECN = false
        options.ipv6Only = true
        options.receiveBufferSize = 4 << 20
        options.sendBufferSize = 4 << 20
        return options
    }

    /// A snapshot of the counters (updated after every burst of work on the loop).
    public var stats: NetemProxyStats { shared.withLock { $0 } }

    /// Starts forwarding on `loop` (registrations end when the loop shuts down).
    public func start(on loop: EventLoop) throws(NetemProxyError) {
        let listener = self.listener
        let configuration = self.configuration
        let publish: @Sendable (NetemProxyStats) -> Void = { [self] s in shared.withLock { $0 = s } }
        do {
            try loop.submit { context in
                let engine = NetemEngine(listener: listener, configuration: configuration, context: context, publish: publish)
                engine.start()
            }
        } catch {
            throw .io(error)
        }
    }
}

/// The loop-confined part of `NetemProxy`.
final class NetemEngine {
    /// One client: its address, its current upstream socket, and bindings abandoned by rebinds.
    struct Flow {
        var id: UInt32
        var client: SocketAddress
        var upstream: UDPSocket
        var registration: RegistrationID
        var stale: [(socket: UDPSocket, registration: RegistrationID)]
        var lastActive: SimInstant
    }

    let listener: UDPSocket
    let configuration: NetemProxyConfiguration
    let context: LoopContext
    let publish: @Sendable (NetemProxyStats) -> Void
    let epoch: ContinuousClock.Instant
    var core: ImpairmentCore
    var flows: [Flow] = []
    var nextFlowID: UInt32 = 1
    var addressRebinds = 0
    var stats = NetemProxyStats()
    let receiveBatch: ReceiveBatch
    let clientBatch: SendBatch
    let serverBatch: SendBatch
    var timer: (deadline: SimInstant, id: TimerID)?

    init(listener: UDPSocket, configuration: NetemProxyConfiguration, context: LoopContext,
         publish: @escaping @Sendable (NetemProxyStats) -> Void) {
        self.listener = listener
        self.configuration = configuration
        self.context = context
        self.publish = publish
        epoch = context.now
        core = ImpairmentCore(seed: configuration.seed, clientToServer: configuration.clientToServer,
                              serverToClient: configuration.serverToClient, script: configuration.script,
                              slotCount: configuration.slotCount, maxDatagramSize: configuration.maxDatagramSize)
        // Slots of 64 KiB so an oversize datagram is seen whole and counted, not truncated.
        receiveBatch = ReceiveBatch(maxMessages: 32, bufferSize: 65_536)
        clientBatch = SendBatch(maxDatagrams: 64, byteCapacity: 64 * configuration.maxDatagramSize)
        serverBatch = SendBatch(maxDatagrams: 64, byteCapacity: 64 * configuration.maxDatagramSize)
    }

    var now: SimInstant { SimInstant(nanoseconds: SimDuration(context.now - epoch).nanoseconds) }

    func start() {
        // The registration's handler keeps the engine alive until the loop shuts down.
        _ = try? context.register(fileDescriptor: listener.fileDescriptor, interest: .readable) { [self] _ in
            receiveFromClients()
        }
    }

    private func receiveFromClients() {
        let t = now
        while let n = try? listener.receive(into: receiveBatch), n > 0 {
            receiveBatch.forEach { d in
                guard let index = flowIndex(for: d.source, now: t) else { return }
                flows[index].lastActive = t
                core.handle(d.bytes, direction: .clientToServer, tag: flows[index].id, now: t)
            }
        }
        service()
    }

    private func receiveFromServer(flowID: UInt32, socket: UDPSocket) {
        let t = now
        let current = flows.firstIndex { $0.id == flowID && $0.upstream === socket }
        while let n = try? socket.receive(into: receiveBatch), n > 0 {
            guard let index = current else {
                stats.staleDropped += n
                continue
            }
            receiveBatch.forEach { d in
                // Only the server may use the binding (a NAT filters by remote address too).
                guard d.source == configuration.server else { return }
                core.handle(d.bytes, direction: .serverToClient, tag: flows[index].id, now: t)
            }
        }
        service()
    }

    /// The flow of `client`, created (evicting the least recently active at the cap) if new.
    private func flowIndex(for client: SocketAddress, now t: SimInstant) -> Int? {
        if let i = flows.firstIndex(where: { $0.client == client }) { return i }
        if flows.count >= configuration.maxFlows, let oldest = flows.indices.min(by: { flows[$0].lastActive < flows[$1].lastActive }) {
            close(flows.remove(at: oldest))
        }
        let id = nextFlowID
        nextFlowID &+= 1
        guard let (socket, registration) = openUpstream(flowID: id, address: upstreamBindAddress()) else { return nil }
        flows.append(Flow(id: id, client: client, upstream: socket, registration: registration, stale: [], lastActive: t))
        stats.flows += 1
        stats.upstreamAddress = socket.localAddress
        return flows.count - 1
    }

    /// Where a new upstream socket binds: the loopback of the server's family (on the address
    /// chosen by the last address rebind), or the wildcard for a non-loopback server.
    private func upstreamBindAddress() -> SocketAddress {
        switch configuration.server.ip {
        case .v4(let a) where a.rawValue >> 24 == 127:
            // 127.0.0.1, then 127.0.0.2 … 127.0.0.254 for successive address rebinds.
            let host = UInt8(1 + addressRebinds % 254)
            return SocketAddress(ip: .v4(IPv4Address(127, 0, 0, host)), port: 0)
        case .v4: return .anyV4()
        case .v6(let a) where a == .loopback: return .loopbackV6()
        case .v6: return .anyV6()
        }
    }

    private func openUpstream(flowID: UInt32, address: SocketAddress) -> (UDPSocket, RegistrationID)? {
        let options = NetemProxy.socketOptions
        guard let socket = try? UDPSocket(binding: address, options: options),
              let registration = try? context.register(fileDescriptor: socket.fileDescriptor, interest: .readable, { [self] _ in
                  receiveFromServer(flowID: flowID, socket: socket)
              }) else { return nil }
        return (socket, registration)
    }

    private func close(_ flow: Flow) {
        context.deregister(flow.registration)
        for s in flow.stale { context.deregister(s.registration) }
    }

    private func rebind(_ kind: ImpairmentRebind) {
        if kind == .address { addressRebinds += 1 }
        stats.rebinds += 1
        stats.forwardedSinceRebind = 0
        let address = upstreamBindAddress()
        for i in flows.indices {
            guard let (socket, registration) = openUpstream(flowID: flows[i].id, address: address) else { continue }
            if flows[i].stale.count == NetemProxyConfiguration.maxStaleBindings {
                context.deregister(flows[i].stale.removeFirst().registration)
            }
            flows[i].stale.append((flows[i].upstream, flows[i].registration))
            flows[i].upstream = socket
            flows[i].registration = registration
            stats.upstreamAddress = socket.localAddress
        }
    }

    /// Applies due script events, delivers due datagrams, re-arms the timer, publishes stats.
    private func service() {
        let t = now
        core.advance(now: t)
        while let kind = core.pollRebind() { rebind(kind) }
        var pendingUpstream: Int? = nil
        while core.pollDelivery(now: t, { direction, tag, bytes in
            guard let index = flows.firstIndex(where: { $0.id == tag }) else {
                stats.orphaned += 1
                return
            }
            switch direction {
            case .clientToServer:
                stats.forwardedSinceRebind += 1
                // One upstream socket per batch: flush when the next datagram is for another flow.
                if let p = pendingUpstream, p != index { flush(serverBatch, on: flows[p].upstream) }
                pendingUpstream = index
                if !serverBatch.append(bytes, to: configuration.server) {
                    flush(serverBatch, on: flows[index].upstream)
                    serverBatch.append(bytes, to: configuration.server)
                }
            case .serverToClient:
                if !clientBatch.append(bytes, to: flows[index].client) {
                    flush(clientBatch, on: listener)
                    clientBatch.append(bytes, to: flows[index].client)
                }
            }
        }) {}
        if let p = pendingUpstream { flush(serverBatch, on: flows[p].upstream) }
        flush(clientBatch, on: listener)
        armTimer()
        stats.clientToServer = core.counters(.clientToServer)
        stats.serverToClient = core.counters(.serverToClient)
        publish(stats)
    }

    /// Sends what `batch` holds; what the kernel refuses or cannot take now is dropped (a proxy
    /// never blocks: for UDP that is a loss).
    private func flush(_ batch: SendBatch, on socket: UDPSocket) {
        guard !batch.isEmpty else { return }
        let result = try? socket.send(batch)
        stats.sendDropped += (result?.dropped ?? 0) + batch.count
        batch.removeAll()
    }

    private func armTimer() {
        guard let deadline = core.nextDeadline else { return }
        if let armed = timer {
            if armed.deadline <= deadline { return }
            context.cancelTimer(armed.id)
        }
        let at = epoch + .nanoseconds(deadline.nanoseconds)
        guard let id = try? context.scheduleTimer(at: at, { [self] in
            timer = nil
            service()
        }) else { return }
        timer = (deadline, id)
    }
}
