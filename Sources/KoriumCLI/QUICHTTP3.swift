import Foundation
import KoriumHTTP3
import KoriumIO
import KoriumQUIC
import Synchronization

/// HTTP/3 (`--alpn h3`) for `korium quic-server` / `quic-client`: one sans-IO `HTTP3Session`
/// per connection behind a lock, driven over the async `QUICConnection` API. Every stream gets
/// one reader task (bytes → session) and one writer task that performs the session's actions
/// for that stream in order (so writes never overlap on a stream); events go to `events`.
final class HTTP3Driver: Sendable {
    /// One item of a stream's writer queue: an action, or a barrier a producer awaits so that a
    /// large body is generated one chunk ahead of the transport, not all at once.
    enum WriterItem: Sendable {
        case action(HTTP3Action)
        case barrier(CheckedContinuation<Void, Never>)
    }

    struct State: Sendable {
        var session: HTTP3Session
        var writers: [StreamID: AsyncStream<WriterItem>.Continuation] = [:]
    }

    let connection: QUICConnection
    let role: Role
    let state: Mutex<State>
    /// What the session reports, in order.
    let events: AsyncStream<HTTP3Event>
    let eventSink: AsyncStream<HTTP3Event>.Continuation

    init(connection: QUICConnection, role: Role) {
        self.connection = connection
        self.role = role
        state = Mutex(State(session: HTTP3Session(role: role)))
        (events, eventSink) = AsyncStream.makeStream(of: HTTP3Event.self)
    }

    /// Opens the control stream (SETTINGS) and starts reading the peer's streams.
    func start() async throws {
        let control = try await connection.openUnidirectionalStream()
        register(control)
        update { $0.start(controlStream: control.id) }
        Task {
            for await stream in connection.incomingStreams {
                register(stream)
                read(stream)
            }
            eventSink.finish()
        }
    }

    /// Runs `body` on the session, then routes the actions it queued and publishes its events.
    @discardableResult
    func update<R, E: Error>(_ body: (inout HTTP3Session) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = state.withLock { s in
            let result: Result<R, E>
            do throws(E) { result = .success(try body(&s.session)) } catch { result = .failure(error) }
            while let action = s.session.pollAction() {
                switch action {
                case .write(let id, _, _), .resetStream(let id, _), .stopSending(let id, _):
                    s.writers[id]?.yield(.action(action))
                case .closeConnection(let error):
                    let connection = self.connection
                    Task { await connection.close(code: error.code.rawValue, reason: "\(error.reason)") }
                }
            }
            while let event = s.session.pollEvent() { eventSink.yield(event) }
            return result
        }
        return try result.get()
    }

    /// Waits until everything queued for `id` so far has been handed to the transport.
    func drain(_ id: StreamID) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let queued = state.withLock { $0.writers[id]?.yield(.barrier(continuation)) }
            if case .enqueued = queued { return }
            continuation.resume()
        }
    }

    func register(_ stream: QUICStream) {
        let (items, sink) = AsyncStream.makeStream(of: WriterItem.self)
        state.withLock { $0.writers[stream.id] = sink }
        Task {
            for await item in items {
                switch item {
                case .barrier(let continuation):
                    continuation.resume()
                case .action(.write(_, let bytes, let fin)):
                    do { try await stream.write(bytes, finish: fin) } catch QUICError.stream(.stoppedByPeer(let code)) {
                        update { $0.handleStopSending(stream.id, errorCode: code) }
                    } catch {}
                case .action(.resetStream(_, let code)):
                    try? await stream.reset(code: code.rawValue)
                case .action(.stopSending(_, let code)):
                    try? await stream.stopSending(code: code.rawValue)
                case .action(.closeConnection):
                    break
                }
            }
        }
    }

    /// Feeds a stream's bytes to the session until its end or reset.
    func read(_ stream: QUICStream) {
        guard stream.id.canReceive(role) else { return }
        Task {
            do {
                while let chunk = try await stream.read() { update { $0.handleStreamData(stream.id, chunk, fin: false) } }
                update { $0.handleStreamData(stream.id, [], fin: true) }
            } catch QUICError.stream(.resetByPeer(let code)) {
                update { $0.handleStreamReset(stream.id, errorCode: code) }
            } catch {}
        }
    }
}

/// Server side of `--alpn h3`: GET `/path` → the file under the root, `/N` → N generated bytes
/// (as hq-interop), anything else 404.
enum HTTP3Serving {
    /// Generated bodies are sent in DATA frames of this size, one frame ahead of the transport.
    static let chunkSize = 256 * 1024

    static func serve(_ connection: QUICConnection, root: String?) async -> QUICServerCommand.Counters {
        let driver = HTTP3Driver(connection: connection, role: .server)
        var counters = QUICServerCommand.Counters()
        do { try await driver.start() } catch { return counters }
        await withTaskGroup(of: UInt64.self) { group in
            for await event in driver.events {
                if case .closed = event { break }
                guard case .request(let id, let request) = event else { continue }
                counters.streams += 1
                group.addTask { await respond(driver, id, request, root: root) }
            }
            for await sent in group { counters.sent += sent }
        }
        return counters
    }

    static func respond(_ driver: HTTP3Driver, _ id: StreamID, _ request: HTTP3Request, root: String?) async -> UInt64 {
        let path = request.pathString.split(separator: "?").first.map(String.init) ?? "/"
        let components = path.split(separator: "/")
        do {
            guard request.method == Array("GET".utf8), !components.contains("..") else {
                try driver.update { try $0.sendResponse(HTTP3Response(status: 404), on: id) }
                return 0
            }
            if let body = ServedFile.contents(root: root, components: components) {
                try driver.update {
                    try $0.sendResponse(HTTP3Response(status: 200, fields: [HTTPField("content-length", String(body.count))]), on: id, body: body)
                }
                return UInt64(body.count)
            }
            guard components.count == 1, let count = UInt64(components[0]) else {
                try driver.update { try $0.sendResponse(HTTP3Response(status: 404), on: id) }
                return 0
            }
            try driver.update {
                try $0.sendHeaders(HTTP3Response(status: 200, fields: [HTTPField("content-length", String(count))]).headerFields,
                                   on: id, end: count == 0)
            }
            var remaining = count
            while remaining > 0 {
                let size = Int(min(remaining, UInt64(chunkSize)))
                remaining -= UInt64(size)
                let last = remaining == 0
                try driver.update { try $0.sendData(Array(GeneratedBody.chunk.prefix(size)), on: id, end: last) }
                await driver.drain(id)
            }
            return count
        } catch {
            return 0
        }
    }
}

/// Client side of `--alpn h3`: GET every path at once; each response must be 200.
enum HTTP3Fetching {
    static func fetch(_ connection: QUICConnection, authority: String, paths: [String]) async throws -> [[UInt8]] {
        let driver = HTTP3Driver(connection: connection, role: .client)
        try await driver.start()
        var order: [StreamID] = []
        for path in paths {
            let stream = try await connection.openBidirectionalStream()
            driver.register(stream)
            driver.read(stream)
            do {
                try driver.update { try $0.sendRequest(HTTP3Request(authority: authority, path: path), on: stream.id) }
            } catch {
                throw QUICClientCommand.ClientFailure(kind: "stream", message: "request \(path): \(error)")
            }
            order.append(stream.id)
        }
        var bodies: [StreamID: [UInt8]] = [:]
        var done = Set<StreamID>()
        for await event in driver.events {
            switch event {
            case .response(let id, let response) where response.status != 200:
                throw QUICClientCommand.ClientFailure(kind: "stream", message: "stream \(id.rawValue): HTTP status \(response.status)")
            case .data(let id, let bytes):
                bodies[id, default: []] += bytes
            case .finished(let id):
                done.insert(id)
            case .streamFailed(let id, let code):
                throw QUICClientCommand.ClientFailure(kind: "stream", message: "stream \(id.rawValue): \(code)")
            case .closed(let error):
                throw QUICClientCommand.ClientFailure(kind: "closed", message: "\(error)")
            default:
                break
            }
            if done.count == order.count { break }
        }
        guard done.count == order.count else {
            throw QUICClientCommand.ClientFailure(kind: "closed", message: "connection ended with \(order.count - done.count) responses missing")
        }
        return order.map { bodies[$0] ?? [] }
    }
}
