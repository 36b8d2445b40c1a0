import KoriumQUIC
import KoriumWire
import Testing

@testable import KoriumHTTP3

/// A client and a server session wired in memory: every write is delivered to the peer in
/// pieces of `chunk` bytes, resets and STOP_SENDING as such; closes are recorded.
struct SessionPair {
    var client = HTTP3Session(role: .client)
    var server = HTTP3Session(role: .server)
    var clientEvents: [HTTP3Event] = []
    var serverEvents: [HTTP3Event] = []
    var clientClose: HTTP3Error?
    var serverClose: HTTP3Error?
    var serverActions: [HTTP3Action] = []
    let chunk: Int

    init(chunk: Int = 1200) {
        self.chunk = chunk
        client.start(controlStream: StreamID(index: 0, initiator: .client, isBidirectional: false))
        server.start(controlStream: StreamID(index: 0, initiator: .server, isBidirectional: false))
    }

    static func deliver(_ action: HTTP3Action, to peer: inout HTTP3Session, chunk: Int) {
        switch action {
        case .write(let id, let bytes, let fin):
            if bytes.isEmpty { peer.handleStreamData(id, [], fin: fin) }
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + chunk)
                bytes.withUnsafeBytes { raw in
                    peer.handleStreamData(id, UnsafeRawBufferPointer(rebasing: raw[start..<end]), fin: fin && end == bytes.count)
                }
                start = end
            }
        case .resetStream(let id, let code): peer.handleStreamReset(id, errorCode: code.rawValue)
        case .stopSending(let id, let code): peer.handleStopSending(id, errorCode: code.rawValue)
        case .closeConnection: break
        }
    }

    /// Moves actions both ways until neither side has anything left; `respond` answers requests.
    mutating func drive(respond: (inout HTTP3Session, StreamID, HTTP3Request) -> Void = { _, _, _ in }) {
        var progress = true
        while progress {
            progress = false
            while let action = client.pollAction() {
                progress = true
                if case .closeConnection(let error) = action { clientClose = error }
                Self.deliver(action, to: &server, chunk: chunk)
            }
            while let action = server.pollAction() {
                progress = true
                serverActions.append(action)
                if case .closeConnection(let error) = action { serverClose = error }
                Self.deliver(action, to: &client, chunk: chunk)
            }
            while let event = client.pollEvent() { clientEvents.append(event) }
            while let event = server.pollEvent() {
                serverEvents.append(event)
                if case .request(let id, let request) = event {
                    progress = true
                    respond(&server, id, request)
                }
            }
        }
    }

    func body(_ id: StreamID) -> [UInt8] {
        clientEvents.reduce(into: [UInt8]()) { if case .data(id, let bytes) = $1 { $0 += bytes } }
    }
}

let request0 = StreamID(index: 0, initiator: .client, isBidirectional: true)
let request1 = StreamID(index: 1, initiator: .client, isBidirectional: true)
let serverUni1 = StreamID(index: 1, initiator: .server, isBidirectional: false)
let clientUni1 = StreamID(index: 1, initiator: .client, isBidirectional: false)

func serve(_ server: inout HTTP3Session, _ id: StreamID, _ request: HTTP3Request, body: [UInt8]) {
    if request.pathString == "/file" {
        try? server.sendResponse(HTTP3Response(status: 200, fields: [HTTPField("content-length", String(body.count))]), on: id, body: body)
    } else {
        try? server.sendResponse(HTTP3Response(status: 404), on: id)
    }
}

@Suite("HTTP/3 session")
struct HTTP3SessionTests {
    @Test("client and server fetch a 10 MB body byte-exact, then a 404")
    func fetchTenMegabytes() throws {
        var pair = SessionPair(chunk: 65_536)
        var body = [UInt8](repeating: 0, count: 10 * 1024 * 1024)
        var state: UInt32 = 0x1234_5678
        for index in body.indices {
            state = state &* 1_664_525 &+ 1_013_904_223
            body[index] = UInt8(truncatingIfNeeded: state >> 24)
        }
        try pair.client.sendRequest(HTTP3Request(authority: "localhost", path: "/file"), on: request0)
        try pair.client.sendRequest(HTTP3Request(authority: "localhost", path: "/missing"), on: request1)
        pair.drive { server, id, request in serve(&server, id, request, body: body) }
        #expect(pair.clientClose == nil && pair.serverClose == nil)
        #expect(pair.clientEvents.contains(.settingsReceived(pair.server.localSettings)))
        #expect(pair.serverEvents.contains(.settingsReceived(pair.client.localSettings)))
        guard case .request(request0, let request)? = pair.serverEvents.first(where: { if case .request(request0, _) = $0 { true } else { false } }) else {
            Issue.record("no request event")
            return
        }
        #expect(request.methodString == "GET" && request.scheme == Array("https".utf8) && request.authority == Array("localhost".utf8))
        #expect(pair.clientEvents.contains(.response(request0, HTTP3Response(status: 200, fields: [HTTPField("content-length", "10485760")]))))
        let received = pair.body(request0)
        #expect(received.count == body.count)
        #expect(received == body)
        #expect(pair.clientEvents.contains(.finished(request0)))
        #expect(pair.clientEvents.contains(.response(request1, HTTP3Response(status: 404))))
        #expect(pair.clientEvents.contains(.finished(request1)))
        // Both request streams are complete on both sides and forgotten.
        #expect(pair.client.requests.isEmpty && pair.server.requests.isEmpty)
    }

    @Test("a request with a body and trailers, delivered byte by byte")
    func bodyAndTrailers() throws {
        var pair = SessionPair(chunk: 1)
        try pair.client.sendRequest(HTTP3Request(method: "POST", authority: "h", path: "/upload"), on: request0, end: false)
        try pair.client.sendData(Array("abc".utf8), on: request0, end: false)
        try pair.client.sendData(Array("de".utf8), on: request0, end: false)
        try pair.client.sendHeaders([HTTPField("x-checksum", "1")], on: request0, end: true)
        pair.drive { server, id, _ in try? server.sendResponse(HTTP3Response(status: 204), on: id) }
        #expect(pair.serverClose == nil && pair.clientClose == nil)
        let body = pair.serverEvents.reduce(into: [UInt8]()) { if case .data(request0, let bytes) = $1 { $0 += bytes } }
        #expect(body == Array("abcde".utf8))
        #expect(pair.serverEvents.contains(.trailers(request0, [HTTPField("x-checksum", "1")])))
        #expect(pair.serverEvents.last == .finished(request0))
        #expect(pair.clientEvents.contains(.response(request0, HTTP3Response(status: 204))))
        #expect(pair.client.requests.isEmpty && pair.server.requests.isEmpty)
    }

    @Test("server GOAWAY: later requests are rejected, the client stops sending new ones")
    func goAway() throws {
        var pair = SessionPair()
        try pair.client.sendRequest(HTTP3Request(authority: "h", path: "/file"), on: request0)
        pair.drive { server, id, request in serve(&server, id, request, body: [1, 2, 3]) }
        pair.server.goAway()
        pair.drive()
        #expect(pair.clientEvents.contains(.goAway(4)))
        #expect(throws: HTTP3Error(.requestRejected, "stream covered by GOAWAY")) {
            try pair.client.sendRequest(HTTP3Request(authority: "h", path: "/file"), on: request1)
        }
        // A request that raced the GOAWAY is rejected unprocessed.
        var racing = HTTP3Session(role: .client)
        racing.start(controlStream: StreamID(index: 0, initiator: .client, isBidirectional: false))
        try racing.sendRequest(HTTP3Request(authority: "h", path: "/"), on: request0)
        try racing.sendRequest(HTTP3Request(authority: "h", path: "/"), on: request1)
        while let action = racing.pollAction() {
            if case .write(request1, let bytes, let fin) = action { pair.server.handleStreamData(request1, bytes, fin: fin) }
        }
        var rejected: [HTTP3Action] = []
        while let action = pair.server.pollAction() { rejected.append(action) }
        #expect(rejected.contains(.resetStream(request1, .requestRejected)))
        #expect(!pair.server.requests.keys.contains(request1))
    }

    @Test("grease: reserved stream types and frame types are ignored")
    func grease() {
        var pair = SessionPair()
        pair.server.handleStreamData(clientUni1, [0x21, 0xaa, 0xbb], fin: false)  // reserved stream type 0x21
        pair.server.handleStreamData(StreamID(index: 2, initiator: .client, isBidirectional: false), [0x40, 0x40, 0x01], fin: true)
        pair.drive()
        #expect(pair.serverClose == nil)
        #expect(pair.serverActions.contains(.stopSending(clientUni1, .streamCreationError)))
        pair.server.handleStreamData(clientUni1, [0xcc], fin: true)
        #expect(pair.server.closeError == nil && pair.server.ignoredStreamCount == 0)
    }
}

/// Feeds `bytes` to a fresh session's stream and returns the close code (nil if none).
func closeCode(role: Role, stream: StreamID, _ bytes: [UInt8], fin: Bool = false, setup: (inout HTTP3Session) -> Void = { _ in }) -> HTTP3ErrorCode? {
    var session = HTTP3Session(role: role)
    session.start(controlStream: StreamID(index: 0, initiator: role, isBidirectional: false))
    setup(&session)
    session.handleStreamData(stream, bytes, fin: fin)
    while let action = session.pollAction() {
        if case .closeConnection(let error) = action { return error.code }
    }
    return nil
}

let settingsFrame = HTTP3Frame.settings(HTTP3Settings()).encoded
let peerControlAtServer = StreamID(index: 0, initiator: .client, isBidirectional: false)
let peerControlAtClient = StreamID(index: 0, initiator: .server, isBidirectional: false)

@Suite("HTTP/3 session errors")
struct HTTP3SessionErrorTests {
    @Test("control stream rules (RFC 9114 §6.2.1, §7.2)")
    func controlStream() {
        #expect(closeCode(role: .server, stream: peerControlAtServer, [0x00] + HTTP3Frame.goAway(id: 0).encoded) == .missingSettings)
        #expect(closeCode(role: .server, stream: peerControlAtServer, [0x00, 0x21, 0x00] + settingsFrame) == .missingSettings)
        #expect(closeCode(role: .server, stream: peerControlAtServer, [0x00] + settingsFrame + settingsFrame) == .frameUnexpected)
        #expect(closeCode(role: .server, stream: peerControlAtServer, [0x00] + settingsFrame + [0x00, 0x00]) == .frameUnexpected)
        #expect(closeCode(role: .server, stream: peerControlAtServer, [0x00] + settingsFrame + HTTP3Frame.headers([0, 0]).encoded) == .frameUnexpected)
        #expect(closeCode(role: .server, stream: peerControlAtServer, [0x00] + settingsFrame, fin: true) == .closedCriticalStream)
        #expect(closeCode(role: .server, stream: peerControlAtServer, [0x00] + settingsFrame) == nil)
        #expect(closeCode(role: .server, stream: peerControlAtServer, [0x00, 0x04, 0x02, 0x02, 0x00]) == .settingsError)
        #expect(closeCode(role: .server, stream: peerControlAtServer, [0x00] + settingsFrame + [0x06, 0x00]) == .frameUnexpected)
        #expect(closeCode(role: .server, stream: peerControlAtServer, [0x00] + settingsFrame + [0x07, 0x02, 0x00, 0x00]) == .frameError)
        #expect(closeCode(role: .server, stream: clientUni1, [0x00] + settingsFrame) { session in
            session.handleStreamData(peerControlAtServer, [0x00] + settingsFrame, fin: false)
        } == .streamCreationError)
        var session = HTTP3Session(role: .server)
        session.handleStreamData(peerControlAtServer, [0x00] + settingsFrame, fin: false)
        session.handleStreamReset(peerControlAtServer, errorCode: 0x100)
        #expect(session.closeError?.code == .closedCriticalStream)
    }

    @Test("GOAWAY, MAX_PUSH_ID, CANCEL_PUSH and push rules")
    func identifiers() {
        #expect(closeCode(role: .client, stream: peerControlAtClient, [0x00] + settingsFrame + HTTP3Frame.goAway(id: 2).encoded) == .idError)
        #expect(closeCode(role: .client, stream: peerControlAtClient,
                          [0x00] + settingsFrame + HTTP3Frame.goAway(id: 4).encoded + HTTP3Frame.goAway(id: 8).encoded) == .idError)
        #expect(closeCode(role: .client, stream: peerControlAtClient,
                          [0x00] + settingsFrame + HTTP3Frame.goAway(id: 8).encoded + HTTP3Frame.goAway(id: 4).encoded) == nil)
        #expect(closeCode(role: .client, stream: peerControlAtClient, [0x00] + settingsFrame + HTTP3Frame.maxPushID(1).encoded) == .frameUnexpected)
        #expect(closeCode(role: .server, stream: peerControlAtServer,
                          [0x00] + settingsFrame + HTTP3Frame.maxPushID(5).encoded + HTTP3Frame.maxPushID(3).encoded) == .idError)
        #expect(closeCode(role: .server, stream: peerControlAtServer, [0x00] + settingsFrame + HTTP3Frame.cancelPush(pushID: 0).encoded) == .idError)
        #expect(closeCode(role: .client, stream: peerControlAtClient, [0x00] + settingsFrame + HTTP3Frame.cancelPush(pushID: 0).encoded) == .idError)
        #expect(closeCode(role: .server, stream: clientUni1, [0x01, 0x00]) == .streamCreationError)
        #expect(closeCode(role: .client, stream: serverUni1, [0x01, 0x00]) == .idError)
        #expect(closeCode(role: .client, stream: StreamID(index: 0, initiator: .server, isBidirectional: true), [0x01, 0x00]) == .streamCreationError)
    }

    @Test("request stream frame sequence (RFC 9114 §4.1)")
    func requestStream() {
        let headers = HTTP3Frame.headers(QPACKEncoder.encodeFieldSection(HTTP3Request(authority: "h", path: "/").headerFields)).encoded
        #expect(closeCode(role: .server, stream: request0, HTTP3Frame.data([1]).encoded) == .frameUnexpected)
        let trailers = HTTP3Frame.headers(QPACKEncoder.encodeFieldSection([HTTPField("x", "1")])).encoded
        #expect(closeCode(role: .server, stream: request0, headers + HTTP3Frame.data([1]).encoded + trailers) == nil)
        #expect(closeCode(role: .server, stream: request0, headers + HTTP3Frame.data([1]).encoded + trailers + trailers) == .frameUnexpected)
        #expect(closeCode(role: .server, stream: request0, headers + trailers + HTTP3Frame.data([1]).encoded) == .frameUnexpected)
        #expect(closeCode(role: .server, stream: request0, headers + settingsFrame) == .frameUnexpected)
        #expect(closeCode(role: .server, stream: request0, headers + HTTP3Frame.pushPromise(pushID: 0, fieldSection: [0, 0]).encoded) == .frameUnexpected)
        #expect(closeCode(role: .server, stream: request0, headers + [0x00, 0x05, 0x01], fin: true) == .frameError)
        #expect(closeCode(role: .server, stream: request0, headers + [0x08, 0x00]) == .frameUnexpected)
        #expect(closeCode(role: .server, stream: request0, headers, fin: true) == nil)
        #expect(closeCode(role: .client, stream: request0, HTTP3Frame.pushPromise(pushID: 0, fieldSection: [0, 0]).encoded) { session in
            try? session.sendRequest(HTTP3Request(authority: "h", path: "/"), on: request0)
        } == .idError)
    }

    @Test("QPACK errors close with QPACK codes")
    func qpack() {
        #expect(closeCode(role: .server, stream: request0, HTTP3Frame.headers([0x00, 0x00, 0x80]).encoded) == .qpackDecompressionFailed)
        #expect(closeCode(role: .server, stream: request0, HTTP3Frame.headers([0x02, 0x00, 0xc0]).encoded) == .qpackDecompressionFailed)
        #expect(closeCode(role: .server, stream: clientUni1, [0x02, 0x3f, 0x01]) == .qpackEncoderStreamError)
        #expect(closeCode(role: .server, stream: clientUni1, [0x02, 0x20]) == nil)
        #expect(closeCode(role: .server, stream: clientUni1, [0x02, 0x20], fin: true) == .closedCriticalStream)
        #expect(closeCode(role: .server, stream: clientUni1, [0x03, 0x80]) == .qpackDecoderStreamError)
        #expect(closeCode(role: .server, stream: clientUni1, [0x03, 0x40]) == nil)
    }

    @Test("malformed requests are stream errors H3_MESSAGE_ERROR; an empty request is H3_REQUEST_INCOMPLETE")
    func malformed() {
        for fields in [
            [HTTPField(":method", "GET"), HTTPField(":path", "/")],  // no :scheme
            [HTTPField(":method", "GET"), HTTPField(":scheme", "https"), HTTPField(":path", "/"), HTTPField("Host", "h")],  // upper case
            [HTTPField(":method", "GET"), HTTPField("x", "1"), HTTPField(":scheme", "https"), HTTPField(":path", "/"), HTTPField(":authority", "h")],
            [HTTPField(":method", "GET"), HTTPField(":scheme", "https"), HTTPField(":path", "/"), HTTPField(":authority", "h"), HTTPField("connection", "close")],
            [HTTPField(":method", "GET"), HTTPField(":scheme", "https"), HTTPField(":path", "/"), HTTPField(":authority", "h"), HTTPField(":status", "200")],
        ] {
            var session = HTTP3Session(role: .server)
            session.handleStreamData(request0, HTTP3Frame.headers(QPACKEncoder.encodeFieldSection(fields)).encoded, fin: false)
            var actions: [HTTP3Action] = []
            while let action = session.pollAction() { actions.append(action) }
            #expect(actions == [.stopSending(request0, .messageError), .resetStream(request0, .messageError)], "\(fields)")
            #expect(session.closeError == nil)
        }
        var session = HTTP3Session(role: .server)
        session.handleStreamData(request0, [], fin: true)
        #expect(session.pollAction() == .resetStream(request0, .requestIncomplete))
        // content-length must match the DATA received.
        var short = HTTP3Session(role: .server)
        let fields = HTTP3Request(method: "POST", authority: "h", path: "/", fields: [HTTPField("content-length", "5")]).headerFields
        short.handleStreamData(request0, HTTP3Frame.headers(QPACKEncoder.encodeFieldSection(fields)).encoded + HTTP3Frame.data([1, 2]).encoded, fin: true)
        #expect(short.pollAction() == .resetStream(request0, .messageError))
    }
}
