import KoriumQUIC
import Synchronization

/// One QUIC stream of a ``QUICConnection``. Sendable; calls from several tasks are allowed,
/// but one read and one write at a time per stream (a second concurrent read or write fails
/// with ``QUICError/stream(_:)`` `.notReadable` / `.notWritable`).
///
/// Cancellation: a cancelled `read` throws `CancellationError` and leaves the stream usable
/// (no bytes are consumed by a read that does not return them). A cancelled `write` throws
/// `CancellationError`; if the connection had already accepted part of its bytes the stream's
/// sending part is reset with error code 0x0c (the peer cannot tell which prefix arrived),
/// otherwise the stream stays usable.
public final class QUICStream: Sendable, Hashable, CustomStringConvertible {
    let driver: QUICDriver
    let connection: ConnectionHandle
    /// The connection the stream belongs to.
    public let owner: QUICConnection
    /// The stream ID (RFC 9000 §2.1).
    public let id: StreamID
    /// A read returned the end of the stream; later reads return nil without asking the connection.
    let readFinished = Atomic<Bool>(false)

    init(owner: QUICConnection, id: StreamID) {
        driver = owner.driver
        connection = owner.handle
        self.owner = owner
        self.id = id
    }

    /// The error for a connection that is gone: why it closed, as far as known.
    var goneError: QUICError { .connectionClosed(owner.closeReason ?? .locallyClosed) }

    /// `stream N`.
    public var description: String { "stream \(id.rawValue)" }

    /// Same connection and stream ID.
    public static func == (lhs: QUICStream, rhs: QUICStream) -> Bool { lhs.connection == rhs.connection && lhs.id == rhs.id }

    /// Hashes connection and stream ID.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(connection)
        hasher.combine(id)
    }

    func markReadFinished() { readFinished.store(true, ordering: .releasing) }

    /// Writes all of `bytes`, suspending while flow control or the send buffer is full
    /// (back-pressure) until the connection has accepted them. With `finish`, FIN follows.
    public func write(_ bytes: [UInt8], finish: Bool = false) async throws {
        let handle = connection, id = self.id
        let stream = self
        try await driver.suspend { (s: inout DriverState, driver, token, continuation: CheckedContinuation<Void, any Error>) in
            guard s.connections[handle] != nil else {
                continuation.resume(throwing: stream.goneError)
                return
            }
            guard s.connections[handle]?.writes[id] == nil else {
                continuation.resume(throwing: QUICError.stream(.notWritable))
                return
            }
            var waiter = WriteWaiter(id: token.id, data: bytes, offset: 0, finish: finish, continuation: continuation)
            switch s.attemptWrite(handle, id, &waiter, now: driver.now()) {
            case .done: continuation.resume()
            case .failed(let error): continuation.resume(throwing: error)
            case .wait: s.connections[handle]?.writes[id] = waiter
            }
        }
    }

    /// Ends the sending part (FIN after the bytes written so far).
    public func finish() async throws { try await write([], finish: true) }

    /// Reads up to `maxBytes` bytes, suspending until some arrive; nil at the end of the stream.
    public func read(maxBytes: Int = 65_536) async throws -> [UInt8]? {
        precondition(maxBytes > 0, "maxBytes must be positive")
        if readFinished.load(ordering: .acquiring) { return nil }
        let handle = connection, id = self.id
        let stream = self
        return try await driver.suspend { (s: inout DriverState, driver, token, continuation: CheckedContinuation<[UInt8]?, any Error>) in
            guard s.connections[handle] != nil else {
                continuation.resume(throwing: stream.goneError)
                return
            }
            guard s.connections[handle]?.reads[id] == nil else {
                continuation.resume(throwing: QUICError.stream(.notReadable))
                return
            }
            let attempt = s.attemptRead(handle, id, maxBytes: maxBytes, stream: stream, now: driver.now())
            if case .wait = attempt {
                s.connections[handle]?.reads[id] = ReadWaiter(id: token.id, stream: stream, maxBytes: maxBytes, continuation: continuation)
            } else {
                continuation.resume(with: attempt)
            }
        }
    }

    /// Reads until the end of the stream; more than `limit` bytes is
    /// ``QUICError/readLimitExceeded(limit:)`` (the stream is then asked to stop sending).
    public func readToEnd(limit: Int) async throws -> [UInt8] {
        var out: [UInt8] = []
        while let chunk = try await read(maxBytes: 65_536) {
            guard out.count + chunk.count <= limit else {
                try? await stopSending(code: 0)
                throw QUICError.readLimitExceeded(limit: limit)
            }
            out += chunk
        }
        return out
    }

    /// Abandons the sending part with RESET_STREAM carrying `code` (RFC 9000 §19.4).
    public func reset(code: UInt64) async throws {
        let handle = connection, id = self.id
        let stream = self
        try await driver.suspend { (s: inout DriverState, driver, _, continuation: CheckedContinuation<Void, any Error>) in
            let now = driver.now()
            let result: Result<Void, StreamError>? = s.endpoint.withConnection(handle, now: now) { c in
                do throws(StreamError) { try c.resetStream(id, errorCode: code); return .success(()) } catch { return .failure(error) }
            }
            if let waiter = s.connections[handle]?.writes.removeValue(forKey: id) {
                waiter.continuation.resume(throwing: QUICError.stream(.alreadyFinished))
            }
            switch result {
            case nil: continuation.resume(throwing: stream.goneError)
            case .failure(let error): continuation.resume(throwing: QUICError.stream(error))
            case .success: continuation.resume()
            }
        }
    }

    /// Asks the peer to stop sending with STOP_SENDING carrying `code` (RFC 9000 §19.5).
    public func stopSending(code: UInt64) async throws {
        let handle = connection, id = self.id
        let stream = self
        try await driver.suspend { (s: inout DriverState, driver, _, continuation: CheckedContinuation<Void, any Error>) in
            let result: Result<Void, StreamError>? = s.endpoint.withConnection(handle, now: driver.now()) { c in
                do throws(StreamError) { try c.stopSending(id, errorCode: code); return .success(()) } catch { return .failure(error) }
            }
            switch result {
            case nil: continuation.resume(throwing: stream.goneError)
            case .failure(let error): continuation.resume(throwing: QUICError.stream(error))
            case .success: continuation.resume()
            }
        }
    }
}
