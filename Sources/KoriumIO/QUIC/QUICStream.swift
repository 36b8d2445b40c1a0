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
    /// Where `write`, `finish` and `read(into:)` leave their request for the loop thread.
    let mailbox: StreamMailbox
    /// The loop job that runs the mailbox's requests, made once so that a call allocates no
    /// closure. It holds the mailbox, the driver and the owner, never the stream (no cycle).
    let serviceJob: @Sendable (LoopContext) -> Void

    init(owner: QUICConnection, id: StreamID) {
        let driver = owner.driver, handle = owner.handle
        let mailbox = StreamMailbox()
        self.driver = driver
        connection = handle
        self.owner = owner
        self.id = id
        self.mailbox = mailbox
        serviceJob = { [driver] context in
            driver.state.withLock { s in
                s.serviceMailbox(mailbox, handle, id, owner: owner, now: driver.now())
                s.pump(driver, context)
            }
        }
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

    /// Writes all of `bytes`, suspending while flow control or the send buffer is full
    /// (back-pressure) until the connection has accepted them. With `finish`, FIN follows.
    /// Allocates nothing itself (the bytes are retained, not copied, until accepted).
    public func write(_ bytes: [UInt8], finish: Bool = false) async throws {
        let callID = driver.nextWaiterID()
        let mailbox = self.mailbox, driver = self.driver, job = serviceJob
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                guard mailbox.post(PendingWrite(id: callID, bytes: bytes, finish: finish, continuation: continuation)) else {
                    continuation.resume(throwing: QUICError.stream(.notWritable))
                    return
                }
                do {
                    try driver.loop.submit(job)
                } catch {
                    mailbox.withdrawWrite(callID)?.continuation.resume(throwing: QUICError.endpointClosed)
                }
            }
        } onCancel: {
            // Either the service job sees the ID (the request was not taken yet) or the
            // cancellation job, which runs after it, finds the registered waiter.
            mailbox.cancelledWrite.store(callID, ordering: .releasing)
            driver.run { s, driver, _ in s.cancelWaiter(callID, now: driver.now()) }
        }
    }

    /// Ends the sending part (FIN after the bytes written so far).
    public func finish() async throws { try await write([], finish: true) }

    /// Reads up to `maxBytes` bytes, suspending until some arrive; nil at the end of the stream.
    public func read(maxBytes: Int = 65_536) async throws -> [UInt8]? {
        precondition(maxBytes > 0, "maxBytes must be positive")
        if mailbox.readFinished.load(ordering: .acquiring) { return nil }
        let handle = connection, id = self.id
        let mailbox = self.mailbox, owner = self.owner
        return try await driver.suspend { (s: inout DriverState, driver, token, continuation: CheckedContinuation<[UInt8]?, any Error>) in
            let waiter = ReadWaiter(id: token.id, mailbox: mailbox, destination: .array(maxBytes: maxBytes, continuation))
            s.registerRead(waiter, handle, id, owner: owner, now: driver.now())
        }
    }

    /// Reads into `buffer` (not empty), suspending until some bytes arrive; returns how many
    /// were written at its start, nil at the end of the stream. Allocates nothing: the loop
    /// thread copies straight from the stream's reassembly buffer into `buffer`, which must stay
    /// valid and untouched until the call returns (it does while the caller awaits it).
    public func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int? {
        precondition(buffer.count > 0, "the buffer must not be empty")
        if mailbox.readFinished.load(ordering: .acquiring) { return nil }
        let callID = driver.nextWaiterID()
        let mailbox = self.mailbox, driver = self.driver, job = serviceJob
        let lent = LentBuffer(bytes: buffer)
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Int?, any Error>) in
                guard mailbox.post(PendingRead(id: callID, buffer: lent, continuation: continuation)) else {
                    continuation.resume(throwing: QUICError.stream(.notReadable))
                    return
                }
                do {
                    try driver.loop.submit(job)
                } catch {
                    mailbox.withdrawRead(callID)?.continuation.resume(throwing: QUICError.endpointClosed)
                }
            }
        } onCancel: {
            mailbox.cancelledRead.store(callID, ordering: .releasing)
            driver.run { s, driver, _ in s.cancelWaiter(callID, now: driver.now()) }
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
