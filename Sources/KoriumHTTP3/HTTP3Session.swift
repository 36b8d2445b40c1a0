import KoriumQUIC
import KoriumWire

/// The HTTP/3 connection logic (RFC 9114) of a client or a server, sans-IO: it sees streams
/// only through the calls below and answers with ``HTTP3Action`` values for the transport and
/// ``HTTP3Event`` values for the application.
///
/// Use: create the QUIC connection's first unidirectional stream and pass it to
/// ``start(controlStream:)`` (the session writes the stream type and SETTINGS). Feed every
/// stream delivery to ``handleStreamData(_:_:fin:)`` and peer resets / STOP_SENDING to
/// ``handleStreamReset(_:errorCode:)`` / ``handleStopSending(_:errorCode:)``. A client opens a
/// bidirectional stream per request and calls ``sendRequest(_:on:body:)``; a server answers
/// each `.request` event with ``sendResponse(_:on:body:)`` (or ``sendHeaders(_:on:end:)`` and
/// ``sendData(_:on:end:)``). After every call, drain ``pollAction()`` then ``pollEvent()``.
///
/// QPACK runs with the static table only: we advertise SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0
/// and BLOCKED_STREAMS = 0, so no encoder or decoder stream is needed on our side (RFC 9204
/// §4.2: an endpoint MAY avoid creating them); the peer's are read and checked.
public struct HTTP3Session: Sendable {
    /// Which side this is.
    public let role: Role
    /// The limits in force.
    public let configuration: HTTP3Configuration
    /// The peer's SETTINGS, once received.
    public internal(set) var peerSettings: HTTP3Settings?
    /// Set once the connection is closed (by a connection error or ``close(_:)``).
    public internal(set) var closeError: HTTP3Error?
    /// The ID from the peer's last GOAWAY.
    public internal(set) var receivedGoAway: UInt64?
    /// The ID in our last GOAWAY.
    public internal(set) var sentGoAway: UInt64?

    var controlStream: StreamID?
    var peerControlStream: StreamID?
    var peerEncoderStream: StreamID?
    var peerDecoderStream: StreamID?
    var peerUniStreams: [StreamID: PeerUniStream] = [:]
    var ignoredStreamCount = 0
    var requests: [StreamID: RequestStream] = [:]
    /// Server: index of the first client request stream not yet seen; lower indices not in
    /// `implicitlyOpened` are retired (their late data is ignored).
    var nextRequestIndex: UInt64 = 0
    var implicitlyOpened: Set<UInt64> = []
    /// Server: the largest MAX_PUSH_ID received.
    var maxPushID: UInt64?
    var actions: [HTTP3Action] = []
    var actionHead = 0
    var events: [HTTP3Event] = []
    var eventHead = 0

    /// A session for `role` with the given limits.
    public init(role: Role, configuration: HTTP3Configuration = HTTP3Configuration()) {
        self.role = role
        self.configuration = configuration
    }

    /// The SETTINGS we send.
    public var localSettings: HTTP3Settings {
        var settings = HTTP3Settings()
        settings.maxFieldSectionSize = UInt64(configuration.maxFieldSectionSize)
        settings.grease = configuration.greaseSetting
        return settings
    }

    // MARK: Output

    /// The next thing the transport must do, or nil.
    public mutating func pollAction() -> HTTP3Action? {
        guard actionHead < actions.count else { return nil }
        defer {
            actionHead += 1
            if actionHead == actions.count {
                actions.removeAll(keepingCapacity: true)
                actionHead = 0
            }
        }
        return actions[actionHead]
    }

    /// The next event for the application, or nil.
    public mutating func pollEvent() -> HTTP3Event? {
        guard eventHead < events.count else { return nil }
        defer {
            eventHead += 1
            if eventHead == events.count {
                events.removeAll(keepingCapacity: true)
                eventHead = 0
            }
        }
        return events[eventHead]
    }

    // MARK: Local operations

    /// Starts the session on our control stream (a unidirectional stream we just opened):
    /// RFC 9114 §6.2.1 requires it at the beginning, with SETTINGS as its first frame.
    public mutating func start(controlStream id: StreamID) {
        precondition(controlStream == nil, "start(controlStream:) called twice")
        precondition(!id.isBidirectional && id.initiator == role, "the control stream is a local unidirectional stream")
        controlStream = id
        guard closeError == nil else { return }
        var writer = ByteWriter(capacity: 32)
        // Growable writer: cannot fail.
        try? writer.writeVarInt(VarInt(HTTP3StreamType.control))
        try? HTTP3Frame.settings(localSettings).encode(to: &writer)
        actions.append(.write(id, writer.bytes, fin: false))
    }

    /// Client: sends a request on a new bidirectional stream we opened, with an optional body,
    /// and ends the stream unless `end` is false (then ``sendData(_:on:end:)`` and trailers via
    /// ``sendHeaders(_:on:end:)`` may follow). Throws H3_REQUEST_REJECTED after the server's GOAWAY covers the
    /// stream, H3_EXCESSIVE_LOAD if the header section exceeds the server's limit, or the
    /// connection's error once closed.
    public mutating func sendRequest(
        _ request: HTTP3Request, on id: StreamID, body: [UInt8] = [], end: Bool = true
    ) throws(HTTP3Error) {
        precondition(role == .client, "only a client sends requests")
        precondition(id.isBidirectional && id.initiator == .client && requests[id] == nil, "a new client bidirectional stream")
        if let closeError { throw closeError }
        // RFC 9114 §5.2: no new requests on streams at or above the server's GOAWAY ID.
        if let receivedGoAway, id.rawValue >= receivedGoAway { throw HTTP3Error(.requestRejected, "stream covered by GOAWAY") }
        requests[id] = RequestStream(maxFramePayload: configuration.maxFieldSectionSize)
        do throws(HTTP3Error) { try sendHeaders(request.headerFields, on: id, end: end && body.isEmpty) } catch {
            requests.removeValue(forKey: id)
            throw error
        }
        if !body.isEmpty { try sendData(body, on: id, end: end) }
    }

    /// Server: answers the request on `id` with a response and body, ending the stream.
    public mutating func sendResponse(_ response: HTTP3Response, on id: StreamID, body: [UInt8] = []) throws(HTTP3Error) {
        precondition(role == .server, "only a server sends responses")
        try sendHeaders(response.headerFields, on: id, end: body.isEmpty)
        if !body.isEmpty { try sendData(body, on: id, end: true) }
    }

    /// Sends a HEADERS frame (a header section, or trailers once data was sent) on a request
    /// stream, optionally ending it. Throws if the stream is unknown or already ended.
    public mutating func sendHeaders(_ fields: [HTTPField], on id: StreamID, end: Bool) throws(HTTP3Error) {
        if let closeError { throw closeError }
        guard var stream = requests[id], !stream.localFinished else {
            throw HTTP3Error(.internalError, "no open request stream to send on")
        }
        let size = fields.reduce(0) { $0 + $1.size }
        // RFC 9114 §4.2.2: do not send a section above the peer's advertised limit.
        if let limit = peerSettings?.maxFieldSectionSize, UInt64(size) > limit {
            throw HTTP3Error(.excessiveLoad, "field section above the peer's limit")
        }
        var writer = ByteWriter(capacity: 64)
        // Growable writer: cannot fail.
        try? HTTP3Frame.headers(QPACKEncoder.encodeFieldSection(fields)).encode(to: &writer)
        stream.localFinished = end
        actions.append(.write(id, writer.bytes, fin: end))
        store(stream, id)
    }

    /// Sends content as one DATA frame on a request stream, optionally ending it.
    public mutating func sendData(_ bytes: [UInt8], on id: StreamID, end: Bool) throws(HTTP3Error) {
        if let closeError { throw closeError }
        guard var stream = requests[id], !stream.localFinished else {
            throw HTTP3Error(.internalError, "no open request stream to send on")
        }
        var header = ByteWriter(capacity: 16)
        try? HTTP3Frame.writeHeader(type: HTTP3FrameType.data, length: bytes.count, to: &header)
        stream.localFinished = end
        actions.append(.write(id, header.bytes, fin: false))
        actions.append(.write(id, bytes, fin: end))
        store(stream, id)
    }

    /// Ends a request stream without more frames.
    public mutating func finish(_ id: StreamID) throws(HTTP3Error) {
        if let closeError { throw closeError }
        guard var stream = requests[id], !stream.localFinished else {
            throw HTTP3Error(.internalError, "no open request stream to finish")
        }
        stream.localFinished = true
        actions.append(.write(id, [], fin: true))
        store(stream, id)
    }

    /// Abandons a request stream with `code` (e.g. H3_REQUEST_CANCELLED): resets our side and
    /// asks the peer to stop sending.
    public mutating func cancel(_ id: StreamID, code: HTTP3ErrorCode = .requestCancelled) {
        guard closeError == nil, requests[id] != nil else { return }
        failStream(id, code, stream: requests[id], notify: false)
    }

    /// Starts a graceful shutdown (RFC 9114 §5.2): a server announces the first request
    /// stream it will not process and rejects later ones; a client sends push ID 0 (it never
    /// allows pushes). Repeated calls never raise the announced ID.
    public mutating func goAway() {
        guard closeError == nil, let controlStream else { return }
        let id: UInt64 = role == .server ? nextRequestIndex << 2 : 0
        let announced = min(id, sentGoAway ?? id)
        sentGoAway = announced
        actions.append(.write(controlStream, HTTP3Frame.goAway(id: announced).encoded, fin: false))
    }

    /// Closes the connection with `code` (H3_NO_ERROR for a normal close).
    public mutating func close(_ code: HTTP3ErrorCode = .noError) {
        fail(HTTP3Error(code, "closed by the application"))
    }

    // MARK: Input

    /// Bytes arrived on a stream (`fin`: the peer ended it after them).
    public mutating func handleStreamData(_ id: StreamID, _ bytes: UnsafeRawBufferPointer, fin: Bool) {
        guard closeError == nil else { return }
        if !id.isBidirectional {
            guard id.initiator != role else { return fail(HTTP3Error(.generalProtocolError, "data on a local unidirectional stream")) }
            handlePeerUniStream(id, bytes, fin: fin)
        } else if id.initiator == .server {
            // §6.1: HTTP/3 does not use server-initiated bidirectional streams.
            fail(HTTP3Error(.streamCreationError, "server-initiated bidirectional stream"))
        } else {
            handleRequestStream(id, bytes, fin: fin)
        }
    }

    /// Bytes arrived on a stream (array convenience).
    public mutating func handleStreamData(_ id: StreamID, _ bytes: [UInt8], fin: Bool) {
        bytes.withUnsafeBytes { handleStreamData(id, $0, fin: fin) }
    }

    /// The peer reset a stream (RESET_STREAM).
    public mutating func handleStreamReset(_ id: StreamID, errorCode: UInt64) {
        guard closeError == nil else { return }
        if id == peerControlStream || id == peerEncoderStream || id == peerDecoderStream {
            // §6.2.1, RFC 9204 §4.2: closing a critical stream is H3_CLOSED_CRITICAL_STREAM.
            return fail(HTTP3Error(.closedCriticalStream, "peer reset a critical stream"))
        }
        if let state = peerUniStreams.removeValue(forKey: id) {
            if case .ignored = state { ignoredStreamCount -= 1 }
            return
        }
        guard var stream = requests.removeValue(forKey: id) else { return }
        stream.remoteFinished = true
        events.append(.streamFailed(id, HTTP3ErrorCode(rawValue: errorCode)))
        if !stream.localFinished { store(stream, id) }
    }

    /// The peer asked us to stop sending on a stream (STOP_SENDING): the stream is reset with
    /// the same code (RFC 9000 §3.5).
    public mutating func handleStopSending(_ id: StreamID, errorCode: UInt64) {
        guard closeError == nil else { return }
        if id == controlStream { return fail(HTTP3Error(.closedCriticalStream, "peer stopped our control stream")) }
        guard var stream = requests.removeValue(forKey: id) else { return }
        if !stream.localFinished {
            stream.localFinished = true
            actions.append(.resetStream(id, HTTP3ErrorCode(rawValue: errorCode)))
            events.append(.streamFailed(id, HTTP3ErrorCode(rawValue: errorCode)))
        }
        if !stream.remoteFinished { store(stream, id) }
    }

    // MARK: Internals

    /// A connection error: close once, report once.
    mutating func fail(_ error: HTTP3Error) {
        guard closeError == nil else { return }
        closeError = error
        actions.append(.closeConnection(error))
        events.append(.closed(error))
    }

    /// A stream error (§8): reset our side, stop the peer's, forget the stream.
    mutating func failStream(_ id: StreamID, _ code: HTTP3ErrorCode, stream: RequestStream?, notify: Bool = true) {
        requests.removeValue(forKey: id)
        if stream?.remoteFinished != true { actions.append(.stopSending(id, code)) }
        if stream?.localFinished != true { actions.append(.resetStream(id, code)) }
        if notify { events.append(.streamFailed(id, code)) }
    }

    /// Keeps a request stream unless both directions are done.
    mutating func store(_ stream: RequestStream, _ id: StreamID) {
        if stream.localFinished && stream.remoteFinished {
            requests.removeValue(forKey: id)
        } else {
            requests[id] = stream
        }
    }
}
