import KoriumQUIC

/// Where a suspended read delivers.
enum ReadDestination {
    /// `QUICStream.read(maxBytes:)`: a new array of at most `maxBytes` bytes.
    case array(maxBytes: Int, CheckedContinuation<[UInt8]?, any Error>)
    /// `QUICStream.read(into:)`: the caller's buffer; resumed with the count (nil: end of stream).
    case buffer(LentBuffer, UnsafeContinuation<Int?, any Error>)
}

/// A suspended `QUICStream.read` or `read(into:)`.
struct ReadWaiter {
    var id: UInt64
    var mailbox: StreamMailbox
    var destination: ReadDestination

    /// Fails the read.
    func resume(throwing error: any Error) {
        switch destination {
        case .array(_, let continuation): continuation.resume(throwing: error)
        case .buffer(_, let continuation): continuation.resume(throwing: error)
        }
    }

    /// Resumes with the outcome of a finished read attempt.
    func resume(with attempt: ReadAttempt) {
        switch (attempt, destination) {
        case (.wait, _): preconditionFailure("a waiting read is not resumed")
        case (.failed(let error), _): resume(throwing: error)
        case (.end, .array(_, let continuation)): continuation.resume(returning: nil)
        case (.end, .buffer(_, let continuation)): continuation.resume(returning: nil)
        case (.data(let bytes), .array(_, let continuation)): continuation.resume(returning: bytes)
        case (.count(let count), .buffer(_, let continuation)): continuation.resume(returning: count)
        case (.data, .buffer), (.count, .array): preconditionFailure("a read attempt matches its destination")
        }
    }
}

/// A suspended `QUICStream.write` (or `finish`): the bytes not yet accepted by the connection.
struct WriteWaiter {
    var id: UInt64
    var data: [UInt8]
    var offset: Int
    var finish: Bool
    var continuation: UnsafeContinuation<Void, any Error>
}

/// A suspended `openBidirectionalStream` / `openUnidirectionalStream` (the peer's stream limit).
struct OpenWaiter {
    var id: UInt64
    var bidirectional: Bool
    var continuation: CheckedContinuation<QUICStream, any Error>
}

/// The driver's view of one connection. A class: the event path updates its waiter tables in
/// place through the reference (as a struct value in `DriverState.connections` every
/// `connections[handle]?.writes…` mutation risked a copy-on-write of the table it was in).
final class DriverConnection {
    var isServer: Bool
    /// Created when the handshake completes.
    var object: QUICConnection?
    /// Client: the `connect` call waiting for the handshake.
    var connectWaiter: (id: UInt64, continuation: CheckedContinuation<QUICConnection, any Error>)?
    var reads: [StreamID: ReadWaiter] = [:]
    var writes: [StreamID: WriteWaiter] = [:]
    var opens: [OpenWaiter] = []
    var closeWaiters: [(id: UInt64, continuation: CheckedContinuation<ConnectionError, any Error>)] = []
    var streams: AsyncStream<QUICStream>.Continuation?
    var datagrams: AsyncStream<[UInt8]>.Continuation?

    init(isServer: Bool) { self.isServer = isServer }
}

/// Everything the loop thread owns for one endpoint (see ``QUICDriver``).
///
/// `@unchecked Sendable` proof: the only non-Sendable members are `receiveBatch`, `sendBatch`
/// and the `DriverConnection`s in `connections` (reference types without locks, never handed
/// out of the state) and `timerFired` (a closure that is only handed
/// to the loop's own timer queue and run on the loop thread). A `DriverState` value exists only inside
/// `QUICDriver.state` (a `Mutex`), is created there in `QUICDriver.init`, and is only ever
/// accessed through `state.withLock` on the event-loop thread (jobs, the socket handler, timers);
/// no method returns the batches or captures them in an escaping closure. So no two threads can
/// touch the batches at once: the mutex serialises every access.
struct DriverState: @unchecked Sendable {
    var endpoint: Endpoint
    let receiveBatch: ReceiveBatch
    let sendBatch: SendBatch
    /// Where `pollTransmit` writes (room for a GSO batch).
    var scratch: [UInt8]
    var registration: RegistrationID?
    var isWriteBlocked = false
    var timer: TimerID?
    var timerDeadline: Instant?
    /// The timer handler, made once and reused by every re-arm (a fresh closure per re-arm was
    /// one heap allocation per timer firing, the largest per-packet allocation of a sending server).
    var timerFired: TimerHandler?
    var connections: [ConnectionHandle: DriverConnection] = [:]
    /// Server connections whose handshake completed, not yet taken by `accept` (at most
    /// `acceptBacklog`; more are closed with CONNECTION_REFUSED-like application code 0x2).
    var acceptQueue: [QUICConnection] = []
    var acceptWaiters: [(id: UInt64, continuation: CheckedContinuation<QUICConnection, any Error>)] = []
    let acceptBacklog: Int
    let clientTemplate: ConnectionConfiguration?
    var isClosed = false

    /// Send a batch once this many datagrams wait (keeps room for one GSO transmit).
    static let sendThreshold = 128
    /// Bytes `pollTransmit` may write at once: the largest UDP payload (a PMTU probe or datagram
    /// on loopback can be that large), or a GSO batch of smaller datagrams.
    static let scratchSize = 65_536
    /// Receive batches drained per readiness wake-up (the rest is reported again: level-triggered).
    static let receiveRoundsPerWakeup = 16
    /// Event-processing rounds per pump (events may produce output that produces events).
    static let maxPumpRounds = 64

    init(configuration: QUICEndpoint.Configuration) {
        endpoint = Endpoint(configuration: configuration.endpoint)
        // With GRO the kernel may coalesce up to 64 KiB of equal-size datagrams into one slot.
        let slotSize = configuration.socket.receiveOffload
            ? max(configuration.maxReceivedDatagramSize, KoriumIO.maxGROBufferSize) : configuration.maxReceivedDatagramSize
        receiveBatch = ReceiveBatch(maxMessages: configuration.receiveBatchSize, bufferSize: slotSize)
        sendBatch = SendBatch(maxDatagrams: 256, byteCapacity: 256 * 1_500, messagesPerCall: 64)
        scratch = [UInt8](repeating: 0, count: Self.scratchSize)
        acceptBacklog = configuration.acceptBacklog
        clientTemplate = configuration.client
    }

    // MARK: the I/O cycle

    /// Sends what the endpoint has, delivers its events (which may produce more output), and
    /// re-arms the timer.
    mutating func pump(_ driver: QUICDriver, _ context: LoopContext) {
        for _ in 0..<Self.maxPumpRounds {
            flush(driver, context)
            var sawEvent = false
            while let event = endpoint.pollEvent() {
                sawEvent = true
                handle(event, driver)
            }
            if !sawEvent { break }
        }
        rearmTimer(driver, context)
    }

    /// Moves datagrams from the endpoint to the socket until either has nothing more.
    mutating func flush(_ driver: QUICDriver, _ context: LoopContext) {
        guard !isWriteBlocked else { return }
        let now = driver.now()
        while true {
            // Room for one more `pollTransmit` of up to `scratchSize` bytes (a large PMTU-sized
            // datagram would otherwise not fit the arena and be dropped).
            if sendBatch.count >= Self.sendThreshold || sendBatch.freeBytes < Self.scratchSize {
                guard sendNow(driver, context) else { return }
            }
            guard let transmit = scratch.withUnsafeMutableBytes({ endpoint.pollTransmit(into: $0, now: now) }) else { break }
            let destination = SocketAddress(transmit.destination)
            scratch.withUnsafeBytes { raw in
                // GSO batches are split into their datagrams; UDPSocket coalesces equal-size
                // runs to one destination back into one GSO send when the kernel supports it.
                let segment = transmit.segmentSize.map { max(1, $0) } ?? transmit.count
                var offset = 0
                while offset < transmit.count {
                    let n = min(segment, transmit.count - offset)
                    sendBatch.append(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n)]), to: destination)
                    offset += n
                }
            }
        }
        _ = sendNow(driver, context)
    }

    /// Hands the queued datagrams to the kernel; false when the socket would block (writability
    /// is then watched and `flush` resumes from the writable handler).
    mutating func sendNow(_ driver: QUICDriver, _ context: LoopContext) -> Bool {
        guard !sendBatch.isEmpty else { return true }
        do {
            let result = try driver.socket.send(sendBatch)
            if result.wouldBlock {
                isWriteBlocked = true
                if let registration { try? context.modify(registration, interest: [.readable, .writable]) }
                return false
            }
        } catch {
            // A socket-level failure: the datagrams are lost; QUIC recovery retransmits.
            sendBatch.removeAll()
        }
        return true
    }

    /// The socket is readable and/or writable.
    mutating func onReadiness(_ readiness: Readiness, _ driver: QUICDriver, _ context: LoopContext) {
        if readiness.contains(.writable) && isWriteBlocked {
            isWriteBlocked = false
            if let registration { try? context.modify(registration, interest: .readable) }
        }
        if readiness.contains(.readable) || readiness.contains(.error) {
            for _ in 0..<Self.receiveRoundsPerWakeup {
                let count: Int
                do { count = try driver.socket.receive(into: receiveBatch) } catch { break }
                if count == 0 { break }
                let now = driver.now()
                receiveBatch.forEach { datagram in
                    endpoint.handle(
                        datagram: UnsafeMutableRawBufferPointer(mutating: datagram.bytes), from: PathAddress(datagram.source),
                        now: now)
                }
                // Acknowledge and answer per batch rather than after all rounds.
                flush(driver, context)
            }
        }
        pump(driver, context)
    }

    mutating func rearmTimer(_ driver: QUICDriver, _ context: LoopContext) {
        let deadline = isClosed ? nil : endpoint.nextDeadline
        guard deadline != timerDeadline else { return }
        // A later deadline keeps the armed (earlier) timer: firing early is harmless (nothing is
        // due, the pump re-arms), while re-scheduling allocates a handler closure; on a sending
        // server the deadline moves later after nearly every pump.
        if let deadline, let armed = timerDeadline, timer != nil, armed < deadline { return }
        if let timer { context.cancelTimer(timer) }
        timer = nil
        timerDeadline = deadline
        guard let deadline else { return }
        let handler = timerFired ?? TimerHandler { [weak driver, unowned context] in
            // Weak: the state that keeps this closure belongs to the driver.
            guard let driver else { return }
            driver.state.withLock { s in
                s.timer = nil
                s.timerDeadline = nil
                s.endpoint.handleTimeout(now: driver.now())
                s.pump(driver, context)
            }
        }
        timerFired = handler
        timer = try? context.scheduleTimer(at: driver.clockInstant(deadline), handler.fire)
    }

    /// Closes every connection (sending CONNECTION_CLOSE), fails every waiter with
    /// ``QUICError/endpointClosed`` and stops watching the socket.
    mutating func shutdown(_ driver: QUICDriver, _ context: LoopContext) {
        guard !isClosed else { return }
        let now = driver.now()
        for handle in endpoint.handles {
            _ = endpoint.withConnection(handle, now: now) { $0.close(errorCode: 0, reason: Array("endpoint closed".utf8), now: now) }
        }
        flush(driver, context)
        isClosed = true
        for (handle, _) in connections { failConnection(handle, with: .endpointClosed, closeError: .locallyClosed) }
        for waiter in acceptWaiters { waiter.continuation.resume(throwing: QUICError.endpointClosed) }
        acceptWaiters.removeAll()
        acceptQueue.removeAll()
        if let registration { context.deregister(registration) }
        registration = nil
        if let timer { context.cancelTimer(timer) }
        timer = nil
        timerDeadline = nil
        timerFired = nil
    }
}

/// A closure in a struct: stored bare in an `Optional` it would be kept at the generic
/// abstraction and re-wrapped in a thunk (an allocation) every time it is passed on.
struct TimerHandler {
    let fire: () -> Void
}
