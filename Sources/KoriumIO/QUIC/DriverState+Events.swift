import KoriumQUIC

/// What one attempt to read found.
enum ReadAttempt {
    case data([UInt8])
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
        guard var entry = connections[handle] else { return }
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
        connections[handle] = entry
    }

    /// Ends the driver's state for a connection: every waiter fails with `error`, close waiters
    /// learn `closeError`, the incoming sequences finish.
    mutating func failConnection(_ handle: ConnectionHandle, with error: QUICError, closeError: ConnectionError) {
        guard let entry = connections.removeValue(forKey: handle) else { return }
        entry.connectWaiter?.continuation.resume(throwing: error)
        for waiter in entry.reads.values { waiter.continuation.resume(throwing: error) }
        for waiter in entry.writes.values { waiter.continuation.resume(throwing: error) }
        for waiter in entry.opens { waiter.continuation.resume(throwing: error) }
        for waiter in entry.closeWaiters { waiter.continuation.resume(returning: closeError) }
        entry.streams?.finish()
        entry.datagrams?.finish()
        entry.object?.markClosed(closeError)
    }

    // MARK: reads

    mutating func attemptRead(_ handle: ConnectionHandle, _ id: StreamID, maxBytes: Int, stream: QUICStream, now: Instant) -> ReadAttempt {
        var outcome: Result<StreamRead, StreamError>? = nil
        let bytes = [UInt8](unsafeUninitializedCapacity: maxBytes) { buffer, initialized in
            outcome = endpoint.withConnection(handle, now: now) { c in
                do throws(StreamError) {
                    return .success(try c.read(id, into: UnsafeMutableRawBufferPointer(buffer)))
                } catch {
                    return .failure(error)
                }
            }
            if case .success(let read) = outcome { initialized = read.count } else { initialized = 0 }
        }
        switch outcome {
        case nil:
            return .failed(.connectionClosed(connections[handle]?.object?.closeReason ?? .locallyClosed))
        case .failure(let error):
            return .failed(.stream(error))
        case .success(let read):
            if read.isFinished { stream.markReadFinished() }
            if read.count > 0 { return .data(bytes) }
            return read.isFinished ? .end : .wait
        }
    }

    mutating func serviceRead(_ handle: ConnectionHandle, _ id: StreamID, now: Instant) {
        // A connection the endpoint already dropped has its `.closed` event queued behind this
        // one: that event fails the waiter with the real reason.
        guard endpoint.contains(handle), let waiter = connections[handle]?.reads[id] else { return }
        let attempt = attemptRead(handle, id, maxBytes: waiter.maxBytes, stream: waiter.stream, now: now)
        if case .wait = attempt { return }
        connections[handle]?.reads.removeValue(forKey: id)
        waiter.continuation.resume(with: attempt)
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
        guard endpoint.contains(handle), var waiter = connections[handle]?.writes[id] else { return }
        let attempt = attemptWrite(handle, id, &waiter, now: now)
        switch attempt {
        case .wait:
            connections[handle]?.writes[id] = waiter
        case .done:
            connections[handle]?.writes.removeValue(forKey: id)
            waiter.continuation.resume()
        case .failed(let error):
            connections[handle]?.writes.removeValue(forKey: id)
            waiter.continuation.resume(throwing: error)
        }
    }

    // MARK: opening streams

    mutating func serviceOpens(_ handle: ConnectionHandle, _ driver: QUICDriver, now: Instant) {
        guard var entry = connections[handle], let owner = entry.object, !entry.opens.isEmpty else { return }
        var remaining: [OpenWaiter] = []
        for waiter in entry.opens {
            if let id = endpoint.withConnection(handle, now: now, { $0.openStream(bidirectional: waiter.bidirectional) }) ?? nil {
                waiter.continuation.resume(returning: QUICStream(owner: owner, id: id))
            } else {
                remaining.append(waiter)
            }
        }
        entry.opens = remaining
        connections[handle] = entry
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
        for (handle, var entry) in connections {
            if let waiter = entry.connectWaiter, waiter.id == id {
                entry.connectWaiter = nil
                connections[handle] = entry
                _ = endpoint.withConnection(handle, now: now) { $0.close(errorCode: 0, reason: Array("cancelled".utf8), now: now) }
                waiter.continuation.resume(throwing: CancellationError())
                return
            }
            if let (stream, waiter) = entry.reads.first(where: { $0.value.id == id }) {
                entry.reads.removeValue(forKey: stream)
                connections[handle] = entry
                waiter.continuation.resume(throwing: CancellationError())
                return
            }
            if let (stream, waiter) = entry.writes.first(where: { $0.value.id == id }) {
                entry.writes.removeValue(forKey: stream)
                connections[handle] = entry
                if waiter.offset > 0 {
                    _ = endpoint.withConnection(handle, now: now) { try? $0.resetStream(stream, errorCode: Self.cancelledWriteErrorCode) }
                }
                waiter.continuation.resume(throwing: CancellationError())
                return
            }
            if let index = entry.opens.firstIndex(where: { $0.id == id }) {
                let waiter = entry.opens.remove(at: index)
                connections[handle] = entry
                waiter.continuation.resume(throwing: CancellationError())
                return
            }
            if let index = entry.closeWaiters.firstIndex(where: { $0.id == id }) {
                let waiter = entry.closeWaiters.remove(at: index)
                connections[handle] = entry
                waiter.continuation.resume(throwing: CancellationError())
                return
            }
        }
    }
}

extension CheckedContinuation where T == [UInt8]?, E == any Error {
    /// Resumes with the outcome of a finished read attempt.
    func resume(with attempt: ReadAttempt) {
        switch attempt {
        case .data(let bytes): resume(returning: bytes)
        case .end: resume(returning: nil)
        case .failed(let error): resume(throwing: error)
        case .wait: preconditionFailure("a waiting read is not resumed")
        }
    }
}
