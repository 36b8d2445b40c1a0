import KoriumQUIC

/// An ``HTTP3Session`` running over a `KoriumQUIC.Connection`: the thin adapter that moves
/// bytes between them, still sans-IO (the owner feeds datagrams and timeouts to ``connection``
/// and sends what it polls, exactly as for a bare connection).
///
/// After every `connection.handle(datagram:from:now:)` or `handleTimeout(now:)`, and after any
/// request or response call, call ``process(now:)``; then drain ``pollEvent()`` and the
/// connection's `pollTransmit`. The adapter opens the control stream once the handshake
/// completes, reads every readable stream into the session, keeps the bytes a stream did not
/// accept yet (flow control) until the connection reports it writable, and applies resets,
/// STOP_SENDING and the application close the session asks for.
public struct HTTP3Connection: Sendable {
    /// The QUIC connection; feed it datagrams and timeouts, poll its transmits.
    public var connection: Connection
    /// The HTTP/3 state.
    public private(set) var session: HTTP3Session
    /// Bytes accepted from the session but not yet by the transport, per stream, with the FIN
    /// still to send. Bounded by what the application hands over (one response body at most
    /// per stream), released as the peer's flow control opens.
    var pending: [StreamID: PendingStream] = [:]
    var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    var started = false

    struct PendingStream: Sendable {
        var chunks: [[UInt8]] = []
        var offset = 0  // into chunks[0]
        var fin = false
    }

    /// Wraps a connection (client or server, handshake not necessarily done).
    public init(connection: Connection, configuration: HTTP3Configuration = HTTP3Configuration()) {
        self.connection = connection
        session = HTTP3Session(role: connection.role, configuration: configuration)
    }

    /// The next HTTP/3 event, or nil.
    public mutating func pollEvent() -> HTTP3Event? { session.pollEvent() }

    /// Whether the QUIC connection has closed.
    public var isClosed: Bool {
        if case .closed = connection.state { return true }
        return false
    }

    /// Client: opens a request stream and sends `request` (and `body`); nil while the peer's
    /// stream limit is reached or before the handshake allows streams.
    public mutating func sendRequest(_ request: HTTP3Request, body: [UInt8] = [], now: Instant) throws(HTTP3Error) -> StreamID? {
        guard let id = connection.openStream(bidirectional: true) else { return nil }
        try session.sendRequest(request, on: id, body: body)
        process(now: now)
        return id
    }

    /// Server: answers the request on `id`.
    public mutating func sendResponse(_ response: HTTP3Response, on id: StreamID, body: [UInt8] = [], now: Instant) throws(HTTP3Error) {
        try session.sendResponse(response, on: id, body: body)
        process(now: now)
    }

    /// Starts a graceful shutdown (GOAWAY).
    public mutating func goAway(now: Instant) {
        session.goAway()
        process(now: now)
    }

    /// Closes the connection with an HTTP/3 code (H3_NO_ERROR for a normal close).
    public mutating func close(_ code: HTTP3ErrorCode = .noError, now: Instant) {
        session.close(code)
        process(now: now)
    }

    /// Moves everything that can move between the connection and the session.
    public mutating func process(now: Instant) {
        var progress = true
        while progress {
            progress = false
            if !started, connection.isHandshakeComplete, let control = connection.openStream(bidirectional: false) {
                started = true
                session.start(controlStream: control)
            }
            while let event = connection.pollEvent() {
                progress = true
                handle(event)
            }
            while let action = session.pollAction() {
                progress = true
                apply(action, now: now)
            }
        }
    }

    mutating func handle(_ event: ConnectionEvent) {
        switch event {
        case .streamOpened(let id), .streamReadable(let id):
            readStream(id)
        case .streamWritable(let id):
            flush(id)
        case .streamReset(let id, let code):
            session.handleStreamReset(id, errorCode: code)
        case .stopSendingReceived(let id, let code):
            pending.removeValue(forKey: id)
            session.handleStopSending(id, errorCode: code)
        default:
            break
        }
    }

    mutating func readStream(_ id: StreamID) {
        guard id.canReceive(connection.role) else { return }
        while true {
            let result: Result<StreamRead, StreamError> = readBuffer.withUnsafeMutableBytes { buffer in
                do throws(StreamError) { return .success(try connection.read(id, into: buffer)) } catch { return .failure(error) }
            }
            guard case .success(let read) = result else { return }
            if read.count > 0 || read.isFinished {
                readBuffer.withUnsafeBytes { raw in
                    session.handleStreamData(id, UnsafeRawBufferPointer(rebasing: raw[0..<read.count]), fin: read.isFinished)
                }
            }
            if read.count == 0 || read.isFinished { return }
        }
    }

    mutating func apply(_ action: HTTP3Action, now: Instant) {
        switch action {
        case .write(let id, let bytes, let fin):
            var stream = pending[id] ?? PendingStream()
            if !bytes.isEmpty { stream.chunks.append(bytes) }
            stream.fin = stream.fin || fin
            pending[id] = stream
            flush(id)
        case .resetStream(let id, let code):
            pending.removeValue(forKey: id)
            try? connection.resetStream(id, errorCode: code.rawValue)
        case .stopSending(let id, let code):
            try? connection.stopSending(id, errorCode: code.rawValue)
        case .closeConnection(let error):
            pending.removeAll()
            connection.close(errorCode: error.code.rawValue, reason: Array(error.reason.description.utf8), now: now)
        }
    }

    /// Writes as much of a stream's pending bytes as the transport takes; FIN after the last.
    mutating func flush(_ id: StreamID) {
        guard var stream = pending.removeValue(forKey: id) else { return }
        while let first = stream.chunks.first {
            let result: Result<Int, StreamError> = first.withUnsafeBytes { raw in
                do throws(StreamError) {
                    return .success(try connection.write(UnsafeRawBufferPointer(rebasing: raw[stream.offset...]), to: id))
                } catch { return .failure(error) }
            }
            guard case .success(let accepted) = result else { return }  // stream gone: drop its bytes
            stream.offset += accepted
            if stream.offset < first.count {
                pending[id] = stream  // wait for .streamWritable
                return
            }
            stream.chunks.removeFirst()
            stream.offset = 0
        }
        if stream.fin { try? connection.finish(id) }
    }
}
