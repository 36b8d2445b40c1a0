import KoriumQUIC

/// A QUIC endpoint on a UDP socket: the sans-IO ``Endpoint`` driven by one event-loop thread
/// (epoll, timers, `recvmmsg`/`sendmmsg` batches with reused buffers, GSO when available).
///
/// ```swift
/// let server = try QUICEndpoint.bind(host: "127.0.0.1", port: 4433, configuration: .init(server: serverConfig))
/// let connection = try await server.accept()
/// for await stream in connection.incomingStreams { … }
/// ```
///
/// Sendable; calls may come from any task. Release or ``close()`` the endpoint to stop its
/// thread: that ends all its connections.
public final class QUICEndpoint: Sendable {
    /// Everything `bind` needs.
    public struct Configuration: Sendable {
        /// The sans-IO endpoint's configuration (server connections, Retry policy, caps, keys).
        public var endpoint: EndpointConfiguration
        /// The template for ``QUICEndpoint/connect(to:serverName:alpn:identity:offeringVersionFirst:)``;
        /// nil for a server that never connects out.
        public var client: ConnectionConfiguration?
        /// Socket options. GSO is on by default (used when the kernel supports it); GRO
        /// (`receiveOffload`) is off: on loopback it cost more CPU than it saved (BENCHMARKS.md),
        /// and it needs 64 KiB receive slots.
        public var socket: UDPSocket.Options
        /// Established server connections waiting for ``QUICEndpoint/accept()`` at most; more are
        /// closed with application error 0x2.
        public var acceptBacklog: Int = 128
        /// Datagrams received per `recvmmsg`.
        public var receiveBatchSize: Int = 64
        /// Largest UDP payload received: the size of each receive slot, and what connections
        /// advertise as max_udp_payload_size (RFC 9000 §18.2), so a peer's PMTU discovery never
        /// sends more than fits. Raise it (up to 65,527) with the connections' `maxUDPPayloadSize`
        /// for loopback or jumbo-frame paths; each slot costs this many bytes of memory.
        public var maxReceivedDatagramSize: Int = QUICEndpoint.maxReceivedDatagramSize

        /// A server (when `server` is given) and/or client configuration.
        public init(server: ConnectionConfiguration? = nil, client: ConnectionConfiguration? = nil) {
            endpoint = EndpointConfiguration(server: server)
            self.client = client
            socket = UDPSocket.Options()
            socket.segmentationOffload = true
        }
    }

    /// The default largest UDP payload received (``Configuration/maxReceivedDatagramSize``):
    /// above the 1,452 bytes PMTU discovery reaches on 1500-byte Ethernet.
    public static let maxReceivedDatagramSize = 2_048

    let driver: QUICDriver
    /// The bound local address (with the port the kernel picked for port 0).
    public let localAddress: SocketAddress

    init(driver: QUICDriver) {
        self.driver = driver
        localAddress = driver.socket.localAddress
    }

    /// The endpoint's event loop as a task executor. Tasks that mostly read and write this
    /// endpoint's streams can run there (`withTaskExecutorPreference(endpoint.taskExecutor) { … }`):
    /// each stream read or write that completes then resumes its task on the loop thread with no
    /// heap allocation and no thread hand-off. Keep CPU-heavy work off it (it delays the I/O),
    /// and keep the endpoint alive while such tasks run (once the loop has shut down, their jobs
    /// run on the global concurrent executor).
    public var taskExecutor: any TaskExecutor { driver.loop.taskExecutor }

    deinit {
        let driver = self.driver
        driver.run { s, driver, context in s.shutdown(driver, context) }
        driver.loop.shutdown()
    }

    /// Binds a UDP socket at `host` (numeric IPv4 or IPv6; `localhost` means 127.0.0.1) and
    /// `port` (0: any free port) and starts the endpoint's event-loop thread.
    public static func bind(host: String = "0.0.0.0", port: UInt16 = 0, configuration: Configuration) throws(QUICError) -> QUICEndpoint {
        let address: SocketAddress
        do { address = try socketAddress(host: host, port: port) } catch { throw .invalidAddress("\(host) port \(port): \(error)") }
        let socket: UDPSocket
        let loop: EventLoop
        do {
            socket = try UDPSocket(binding: address, options: configuration.socket)
            loop = try EventLoop()
        } catch {
            throw .io(error)
        }
        var configuration = configuration
        // RFC 9000 §18.2: max_udp_payload_size is at least 1200 and at most 65527.
        configuration.maxReceivedDatagramSize = min(max(configuration.maxReceivedDatagramSize, 1_200), 65_527)
        let limit = UInt64(configuration.maxReceivedDatagramSize)
        if var server = configuration.endpoint.server {
            server.transportParameters.maxUDPPayloadSize = min(server.transportParameters.maxUDPPayloadSize, limit)
            configuration.endpoint.server = server
        }
        if var client = configuration.client {
            client.transportParameters.maxUDPPayloadSize = min(client.transportParameters.maxUDPPayloadSize, limit)
            configuration.client = client
        }
        let driver = QUICDriver(loop: loop, socket: socket, configuration: configuration)
        do {
            try loop.submit { context in
                driver.state.withLock { s in
                    do {
                        s.registration = try context.register(fileDescriptor: socket.fileDescriptor, interest: .readable) {
                            [unowned context] readiness in
                            driver.state.withLock { s in s.onReadiness(readiness, driver, context) }
                        }
                    } catch {
                        s.isClosed = true
                    }
                }
            }
        } catch {
            throw .io(error)
        }
        return QUICEndpoint(driver: driver)
    }

    /// `host:port` as a socket address (`localhost` is 127.0.0.1; IPv6 without brackets).
    public static func socketAddress(host: String, port: UInt16) throws(SocketAddressError) -> SocketAddress {
        let name = host == "localhost" ? "127.0.0.1" : host
        return try SocketAddress(parsing: name.contains(":") ? "[\(name)]:\(port)" : "\(name):\(port)")
    }

    /// Connects to a server and returns once the handshake has completed. Overrides of the
    /// client template: `serverName` (SNI), `alpn` (protocols offered), `identity` (the server's
    /// expected Ed25519 public key: pins it, peer-to-peer mode), `offeringVersionFirst` (an unknown
    /// version offered first, to exercise Version Negotiation, RFC 9000 §6).
    public func connect(
        to address: SocketAddress, serverName: String? = nil, alpn: [String]? = nil, identity: [UInt8]? = nil,
        offeringVersionFirst: UInt32? = nil
    ) async throws -> QUICConnection {
        let template = driver.state.withLock { $0.clientTemplate }
        guard var config = template else { throw QUICError.notAClient }
        if let serverName { config.tls.serverName = serverName }
        if let alpn { config.tls.alpnProtocols = alpn.map { Array($0.utf8) } }
        if let identity { config.tls.peerVerification = .selfSigned(expectedKey: identity) }
        let remote = PathAddress(address)
        let connectionConfig = config
        return try await driver.suspend { (s: inout DriverState, driver, token, continuation: CheckedContinuation<QUICConnection, any Error>) in
            do throws(EndpointError) {
                let handle = try s.endpoint.connect(
                    connectionConfig, to: remote, now: driver.now(), offeringVersionFirst: offeringVersionFirst)
                let entry = DriverConnection(isServer: false)
                entry.connectWaiter = (token.id, continuation)
                s.connections[handle] = entry
            } catch {
                continuation.resume(throwing: QUICError.endpoint(error))
            }
        }
    }

    /// The next server connection whose handshake has completed.
    public func accept() async throws -> QUICConnection {
        try await driver.suspend { (s: inout DriverState, _, token, continuation: CheckedContinuation<QUICConnection, any Error>) in
            if s.acceptQueue.isEmpty {
                s.acceptWaiters.append((token.id, continuation))
            } else {
                continuation.resume(returning: s.acceptQueue.removeFirst())
            }
        }
    }

    /// Routing and stateless-response counters.
    public func stats() async throws -> EndpointStats {
        try await driver.suspend { (s: inout DriverState, _, _, continuation: CheckedContinuation<EndpointStats, any Error>) in
            continuation.resume(returning: s.endpoint.stats)
        }
    }

    /// Closes every connection (CONNECTION_CLOSE is sent), fails pending calls with
    /// ``QUICError/endpointClosed`` and stops the thread. Idempotent.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let submitted = driver.run { s, driver, context in
                s.shutdown(driver, context)
                continuation.resume()
            }
            if !submitted { continuation.resume() }
        }
        driver.loop.shutdown()
    }
}
