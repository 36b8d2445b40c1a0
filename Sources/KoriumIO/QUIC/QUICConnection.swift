import KoriumQUIC
import Synchronization

/// An established QUIC connection of a ``QUICEndpoint`` (its handshake has completed). Sendable;
/// every operation runs on the endpoint's event-loop thread. Keep the endpoint alive while the
/// connection is in use: closing (or releasing) the endpoint ends its connections.
public final class QUICConnection: Sendable {
    /// Unreliable datagrams buffered for ``datagrams`` at most; older ones are dropped first.
    public static let maxBufferedDatagrams = 256

    let driver: QUICDriver
    let handle: ConnectionHandle
    /// The negotiated ALPN protocol.
    public let alpn: String?
    /// The peer's authenticated Ed25519 public key (32 bytes), if it presented a certificate.
    public let peerPublicKey: [UInt8]?
    /// The peer's address.
    public let remoteAddress: SocketAddress
    /// Time from the first packet to handshake completion.
    public let handshakeDuration: Duration?
    /// Client: the server sent a Retry before accepting.
    public let sawRetry: Bool
    /// Client: Version Negotiation preceded the handshake.
    public let sawVersionNegotiation: Bool
    /// Streams the peer opens, in order. Finishes when the connection closes.
    public let incomingStreams: AsyncStream<QUICStream>
    /// Unreliable datagrams (RFC 9221) from the peer. Finishes when the connection closes.
    public let datagrams: AsyncStream<[UInt8]>
    private let closed = Mutex<ConnectionError?>(nil)

    init(
        driver: QUICDriver, handle: ConnectionHandle, alpn: String?, peerPublicKey: [UInt8]?, remoteAddress: SocketAddress,
        handshakeDuration: Duration?, sawRetry: Bool, sawVersionNegotiation: Bool, incomingStreams: AsyncStream<QUICStream>,
        datagrams: AsyncStream<[UInt8]>
    ) {
        self.driver = driver
        self.handle = handle
        self.alpn = alpn
        self.peerPublicKey = peerPublicKey
        self.remoteAddress = remoteAddress
        self.handshakeDuration = handshakeDuration
        self.sawRetry = sawRetry
        self.sawVersionNegotiation = sawVersionNegotiation
        self.incomingStreams = incomingStreams
        self.datagrams = datagrams
    }

    func markClosed(_ error: ConnectionError) { closed.withLock { if $0 == nil { $0 = error } } }

    /// Why the connection ended, once it has (nil while open or closing).
    public var closeReason: ConnectionError? { closed.withLock { $0 } }

    /// Opens a bidirectional stream, suspending while the peer's stream limit is reached.
    public func openBidirectionalStream() async throws -> QUICStream { try await openStream(bidirectional: true) }

    /// Opens a unidirectional stream, suspending while the peer's stream limit is reached.
    public func openUnidirectionalStream() async throws -> QUICStream { try await openStream(bidirectional: false) }

    private func openStream(bidirectional: Bool) async throws -> QUICStream {
        let handle = self.handle
        let own = self
        return try await driver.suspend { (s: inout DriverState, driver, token, continuation: CheckedContinuation<QUICStream, any Error>) in
            guard s.connections[handle] != nil else {
                continuation.resume(throwing: QUICError.connectionClosed(own.closeReason ?? .locallyClosed))
                return
            }
            let id = s.endpoint.withConnection(handle, now: driver.now()) { $0.openStream(bidirectional: bidirectional) } ?? nil
            if let id {
                continuation.resume(returning: QUICStream(owner: own, id: id))
            } else {
                s.connections[handle]?.opens.append(OpenWaiter(id: token.id, bidirectional: bidirectional, continuation: continuation))
            }
        }
    }

    /// Sends an unreliable datagram (RFC 9221); the peer must support them.
    public func sendDatagram(_ bytes: [UInt8]) async throws {
        try await perform { c throws(QUICError) in
            let result: Result<Void, DatagramError> = bytes.withUnsafeBytes { raw in
                do throws(DatagramError) { return .success(try c.sendDatagram(raw)) } catch { return .failure(error) }
            }
            if case .failure(let error) = result { throw .datagram(error) }
        }
    }

    /// Initiates a key update (RFC 9001 §6); false if one is not allowed yet.
    @discardableResult
    public func initiateKeyUpdate() async throws -> Bool {
        try await perform { c throws(QUICError) in c.initiateKeyUpdate() }
    }

    /// Counters and estimates of the connection (nil once it is gone).
    public func stats() async throws -> ConnectionStats {
        try await perform { c throws(QUICError) in c.stats }
    }

    /// Closes the connection with an application CONNECTION_CLOSE (RFC 9000 §10.2); returns once
    /// the close has been handed to the socket. Pending operations fail with
    /// ``QUICError/connectionClosed(_:)`` once the closing period ends.
    public func close(code: UInt64 = 0, reason: String = "") async {
        let handle = self.handle
        let bytes = Array(reason.utf8.prefix(1_024))
        _ = try? await driver.suspend { (s: inout DriverState, driver, _, continuation: CheckedContinuation<Void, any Error>) in
            let now = driver.now()
            _ = s.endpoint.withConnection(handle, now: now) { $0.close(errorCode: code, reason: bytes, now: now) }
            continuation.resume()
        }
    }

    /// Suspends until the connection has ended (closed by either side, idle timeout, reset) and
    /// returns why.
    public func waitClosed() async throws -> ConnectionError {
        if let reason = closeReason { return reason }
        let handle = self.handle
        let own = self
        return try await driver.suspend { (s: inout DriverState, _, token, continuation: CheckedContinuation<ConnectionError, any Error>) in
            if s.connections[handle] == nil {
                continuation.resume(returning: own.closeReason ?? .locallyClosed)
            } else {
                s.connections[handle]?.closeWaiters.append((token.id, continuation))
            }
        }
    }

    /// Runs `body` on the connection on the loop thread.
    private func perform<R: Sendable>(_ body: @escaping @Sendable (inout Connection) throws(QUICError) -> R) async throws -> R {
        let handle = self.handle
        let own = self
        return try await driver.suspend { (s: inout DriverState, driver, _, continuation: CheckedContinuation<R, any Error>) in
            let result: Result<R, QUICError>? = s.endpoint.withConnection(handle, now: driver.now()) { c in
                do throws(QUICError) { return .success(try body(&c)) } catch { return .failure(error) }
            }
            switch result {
            case nil: continuation.resume(throwing: QUICError.connectionClosed(own.closeReason ?? .locallyClosed))
            case .failure(let error): continuation.resume(throwing: error)
            case .success(let value): continuation.resume(returning: value)
            }
        }
    }
}
