import KoriumQUIC

/// What one attempt to read found.
enum ReadAttempt {
    /// Bytes read into a new array (`read(maxBytes:)`).
    case data([UInt8])
    /// Bytes read into the caller's buffer (`read(into:)`).
    case count(Int)
    case end
    case wait
    case failed(QUICError)
}

/// What one attempt to write achieved.
enum WriteAttempt {
    case done
    case wait
    case failed(QUICError)
}

extension DriverState {
    /// The application error code a stream's sending part is reset with when a write that was
    /// partly accepted is cancelled (the peer cannot know which prefix it will receive).
    static let cancelledWriteErrorCode: UInt64 = 0x0c

    mutating func handle(_ event: EndpointEvent, _ driver: QUICDriver) {
        switch event {
        case .incoming(let handle):
            connections[handle] = DriverConnection(isServer: true)
        case .connection(let handle, let connectionEvent):
            let now = driver.now()
            switch connectionEvent {
            case .handshakeCompleted:
                established(handle, driver)
            case .streamOpened(let id):
                if let owner = connections[handle]?.object { connections[handle]?.streams?.yield(QUICStream(owner: owner, id: id)) }
            case .streamReadable(let id), .streamReset(let id, _):
                serviceRead(handle, id, now: now)
            case .streamWritable(let id), .stopSendingReceived(let id, _):
                serviceWrite(handle, id, now: now)
            case .streamsAvailable:
                serviceOpens(handle, driver, now: now)
            case .datagramReceived(let bytes):
                connections[handle]?.datagrams?.yield(bytes)
            case .connectionIDIssued, .connectionIDRetired, .newToken:
                break
            case .closed(let error):
                failConnection(handle, with: .connectionClosed(error), closeError: error)
            }
        }
    }

    /// The handshake completed: the public connection object exists from now on.
    mutating func established(_ handle: ConnectionHandle, _ driver: QUICDriver) {
        guard let entry = connections[handle] else { return }
        let info = endpoint.inspect(handle) { c in
            (alpn: c.negotiatedALPN, peer: c.peerIdentity?.publicKey, remote: c.remoteAddress, handshake: c.stats.handshakeDuration)
        }
        guard let info else { return }
        // Bounded by the stream limit we advertise (initial_max_streams_*): the peer cannot open more.
        let (streams, streamsContinuation) = AsyncStream<QUICStream>.makeStream(bufferingPolicy: .unbounded)
        let (datagrams, datagramsContinuation) = AsyncStream<[UInt8]>.makeStream(
            bufferingPolicy: .bufferingNewest(QUICConnection.maxBufferedDatagrams))
        let object = QUICConnection(
            driver: driver, handle: handle, alpn: info.alpn.map { String(decoding: $0, as: UTF8.self) },
            peerPublicKey: info.peer, remoteAddress: SocketAddress(info.remote), handshakeDuration: info.handshake,
            sawRetry: endpoint.sawRetry(handle), sawVersionNegotiation: endpoint.sawVersionNegotiation(handle),
            incomingStreams: streams, datagrams: datagrams)
        entry.object = object
        entry.streams = streamsContinuation
        entry.datagrams = datagramsContinuation
        if entry.isServer {
            if !acceptWaiters.isEmpty {
                acceptWaiters.removeFirst().continuation.resume(returning: object)
            } else if acceptQueue.count < acceptBacklog {
                acceptQueue.append(object)
            } else {
                let now = driver.now()
                _ = endpoint.withConnection(handle, now: now) {
                    $0.close(errorCode: 0x2, reason: Array("accept backlog full".utf8), now: now)
                }
            }
        } else if let waiter = entry.connectWaiter {
            entry.connectWaiter = nil
            waiter.continuation.resume(returning: object)
        }
    }

    /// Ends the driver's state for a connection: every waiter fails with `error`, close waiters
    /// learn `closeError`, the incoming sequences finish.
    mutating func failConnection(_ handle: ConnectionHandle, with error: QUICError, closeError: ConnectionError) {
        guard let entry = connections.removeValue(forKey: handle) else { return }
        entry.connectWaiter?.continuation.resume(throwing: error)
        for waiter in entry.reads.values { waiter.resume(throwing: error) }
        for waiter in entry.writes.values { waiter.continuation.resume(throwing: error) }
        for waiter in entry.opens { waiter.continuation.resume(throwing: error) }
        for waiter in entry.closeWaiters { waiter.continuation.resume(returning: closeError) }
        entry.streams?.finish()
        entry.datagrams?.finish()
        entry.object?.markClosed(closeError)
    }

    // MARK: reads

    mutating func attemptRead(_ handle: ConnectionHandle, _ id: StreamID, into destination: ReadDestination, mailbox: StreamMailbox, now: Instant) -> ReadAttempt {
        var outcome: Result<StreamRead, StreamError>? = nil
        var bytes: [UInt8] = []
        switch destination {
        case .array(let maxBytes, _):
            bytes = [UInt8](unsafeUninitializedCapacity: maxBytes) { buffer, initialized in
                outcome = readStream(handle, id, into: UnsafeMutableRawBufferPointer(buffer), now: now)
                if case .success(let read) = outcome { initialized = read.count } else { initialized = 0 }
            }
        case .buffer(let lent, _):
            outcome = readStream(handle, id, into: lent.bytes, now: now)
        }
        switch outcome {
        case nil:
            return .failed(.connectionClosed(connections[handle]?.object?.closeReason ?? .locallyClosed))
        case .failure(let error):
            return .failed(.stream(error))
        case .success(let read):
            if read.isFinished { mailbox.readFinished.store(true, ordering: .releasing) }
            if read.count > 0 {
                if case .array = destination { return .data(bytes) }
                return .count(read.count)
            }
            return read.isFinished ? .end : .wait
        }
    }

    /// One `Connection.read` (nil: the connection is gone).
    mutating func readStream(_ handle: ConnectionHandle, _ id: StreamID, into buffer: UnsafeMutableRawBufferPointer, now: Instant) -> Result<StreamRead, StreamError>? {
        endpoint.withConnection(handle, now: now) { c in
            do throws(StreamError) {
                return .success(try c.read(id, into: buffer))
            } catch {
                return .failure(error)
            }
        }
    }

    mutating func serviceRead(_ handle: ConnectionHandle, _ id: StreamID, now: Instant) {
        // A connection the endpoint already dropped has its `.closed` event queued behind this
        // one: that event fails the waiter with the real reason.
        guard endpoint.contains(handle), let waiter = connections[handle]?.reads[id] else { return }
        let attempt = attemptRead(handle, id, into: waiter.destination, mailbox: waiter.mailbox, now: now)
        if case .wait = attempt { return }
        connections[handle]?.reads.removeValue(forKey: id)
        waiter.resume(with: attempt)
    }

    /// Registers a read (or completes it at once): the body of `QUICStream.read` and `read(into:)`
    /// on the loop thread.
    mutating func registerRead(_ waiter: ReadWaiter, _ handle: ConnectionHandle, _ id: StreamID, owner: QUICConnection, now: Instant) {
        guard connections[handle] != nil else {
            waiter.resume(throwing: QUICError.connectionClosed(owner.closeReason ?? .locallyClosed))
            return
        }
        guard connections[handle]?.reads[id] == nil else {
            waiter.resume(throwing: QUICError.stream(.notReadable))
            return
        }
        let attempt = attemptRead(handle, id, into: waiter.destination, mailbox: waiter.mailbox, now: now)
        if case .wait = attempt {
            connections[handle]?.reads[id] = waiter
        } else {
            waiter.resume(with: attempt)
        }
    }

    // MARK: writes

    mutating func attemptWrite(_ handle: ConnectionHandle, _ id: StreamID, _ waiter: inout WriteWaiter, now: Instant) -> WriteAttempt {
        let result: Result<Bool, StreamError>? = endpoint.withConnection(handle, now: now) { c in
            do throws(StreamError) {
                while waiter.offset < waiter.data.count {
                    let offset = waiter.offset
                    let step: Result<Int, StreamError> = waiter.data.withUnsafeBytes { raw in
                        do throws(StreamError) {
                            return .success(try c.write(UnsafeRawBufferPointer(rebasing: raw[offset...]), to: id))
                        } catch {
                            return .failure(error)
                        }
                    }
                    let accepted = try step.get()
                    if accepted == 0 { return .success(false) }
                    waiter.offset += accepted
                }
                if waiter.finish { try c.finish(id) }
                return .success(true)
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case nil: return .failed(.connectionClosed(connections[handle]?.object?.closeReason ?? .locallyClosed))
        case .failure(let error): return .failed(.stream(error))
        case .success(let done): return done ? .done : .wait
        }
    }

    mutating func serviceWrite(_ handle: ConnectionHandle, _ id: StreamID, now: Instant) {
        // Taken out and put back (the dictionary keeps its capacity): no copy of the entry.
        guard endpoint.contains(handle), var waiter = connections[handle]?.writes.removeValue(forKey: id) else { return }
        switch attemptWrite(handle, id, &waiter, now: now) {
        case .wait:
            connections[handle]?.writes[id] = waiter
        case .done:
            waiter.continuation.resume()
        case .failed(let error):
            waiter.continuation.resume(throwing: error)
        }
    }

    /// Registers a write (or completes it at once): the body of `QUICStream.write` on the loop thread.
    mutating func registerWrite(_ request: PendingWrite, _ handle: ConnectionHandle, _ id: StreamID, owner: QUICConnection, now: Instant) {
        guard connections[handle] != nil else {
            request.continuation.resume(throwing: QUICError.connectionClosed(owner.closeReason ?? .locallyClosed))
            return
        }
        guard connections[handle]?.writes[id] == nil else {
            request.continuation.resume(throwing: QUICError.stream(.notWritable))
            return
        }
        var waiter = WriteWaiter(id: request.id, data: request.bytes, offset: 0, finish: request.finish, continuation: request.continuation)
        switch attemptWrite(handle, id, &waiter, now: now) {
        case .done: request.continuation.resume()
        case .failed(let error): request.continuation.resume(throwing: error)
        case .wait: connections[handle]?.writes[id] = waiter
        }
    }

    /// Runs a stream's posted requests (`QUICStream`'s service job, on the loop thread): a
    /// request whose call was cancelled meanwhile ends with `CancellationError`, one for a
    /// closed endpoint with ``QUICError/endpointClosed``.
    mutating func serviceMailbox(_ mailbox: StreamMailbox, _ handle: ConnectionHandle, _ id: StreamID, owner: QUICConnection, now: Instant) {
        let (write, read) = mailbox.take()
        if let write {
            if mailbox.cancelledWrite.load(ordering: .acquiring) == write.id {
                write.continuation.resume(throwing: CancellationError())
            } else if isClosed {
                write.continuation.resume(throwing: QUICError.endpointClosed)
            } else {
                registerWrite(write, handle, id, owner: owner, now: now)
            }
        }
        if let read {
            if mailbox.cancelledRead.load(ordering: .acquiring) == read.id {
                read.continuation.resume(throwing: CancellationError())
            } else if isClosed {
                read.continuation.resume(throwing: QUICError.endpointClosed)
            } else {
                let waiter = ReadWaiter(id: read.id, mailbox: mailbox, destination: .buffer(read.buffer, read.continuation))
                registerRead(waiter, handle, id, owner: owner, now: now)
            }
        }
    }

    // MARK: opening streams

    mutating func serviceOpens(_ handle: ConnectionHandle, _ driver: QUICDriver, now: Instant) {
        guard let entry = connections[handle], let owner = entry.object, !entry.opens.isEmpty else { return }
        var remaining: [OpenWaiter] = []
        for waiter in entry.opens {
            if let id = endpoint.withConnection(handle, now: now, { $0.openStream(bidirectional: waiter.bidirectional) }) ?? nil {
                waiter.continuation.resume(returning: QUICStream(owner: owner, id: id))
            } else {
                remaining.append(waiter)
            }
        }
        entry.opens = remaining
    }

    // MARK: cancellation

    /// A suspended call's task was cancelled: resume it with `CancellationError` if it is still
    /// waiting. A cancelled read leaves the stream as it was; a cancelled write whose bytes
    /// were partly accepted resets the stream's sending part (``cancelledWriteErrorCode``).
    mutating func cancelWaiter(_ id: UInt64, now: Instant) {
        if let index = acceptWaiters.firstIndex(where: { $0.id == id }) {
            acceptWaiters.remove(at: index).continuation.resume(throwing: CancellationError())
            return
        }
        for (handle, entry) in connections {
            if let waiter = entry.connectWaiter, waiter.id == id {
                entry.connectWaiter = nil
                _ = endpoint.withConnection(handle, now: now) { $0.close(errorCode: 0, reason: Array("cancelled".utf8), now: now) }
                waiter.continuation.resume(throwing: CancellationError())
                return
            }
            if let (stream, waiter) = entry.reads.first(where: { $0.value.id == id }) {
                entry.reads.removeValue(forKey: stream)
                waiter.resume(throwing: CancellationError())
                return
            }
            if let (stream, waiter) = entry.writes.first(where: { $0.value.id == id }) {
                entry.writes.removeValue(forKey: stream)
                if waiter.offset > 0 {
                    _ = endpoint.withConnection(handle, now: now) { try? $0.resetStream(stream, errorCode: Self.cancelledWriteErrorCode) }
                }
                waiter.continuation.resume(throwing: CancellationError())
                return
            }
            if let index = entry.opens.firstIndex(where: { $0.id == id }) {
                let waiter = entry.opens.remove(at: index)
                waiter.continuation.resume(throwing: CancellationError())
                return
            }
            if let index = entry.closeWaiters.firstIndex(where: { $0.id == id }) {
                let waiter = entry.closeWaiters.remove(at: index)
                waiter.continuation.resume(throwing: CancellationError())
                return
            }
        }
    }
}
