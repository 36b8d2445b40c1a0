import Synchronization

extension EventLoop {
    /// Runs `body` on the loop thread and returns its result to the awaiting task. Throws
    /// `IOError.loopShutDown` (or `submissionQueueFull`) if the job cannot be submitted, or
    /// what `body` throws.
    public func execute<R: Sendable>(_ body: @escaping @Sendable (LoopContext) throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<R, any Error>) in
            do {
                try submit { context in continuation.resume(with: Result { try body(context) }) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Receives from `transport` on the loop thread and delivers the datagrams as an async
    /// sequence of batches (one batch per `recvmmsg`). At most `bufferedBatches` batches wait
    /// for the consumer; when the consumer falls behind, newer batches are dropped and counted
    /// in `DatagramStream.droppedDatagrams` (UDP semantics: loss, not unbounded memory).
    /// Ending the iteration (or the task) stops receiving; loop shutdown finishes the sequence.
    ///
    /// Each delivered batch is copied out of the loop's reused buffers (two allocations per
    /// batch, none per datagram). Protocol cores that need zero copies register a handler with
    /// `LoopContext.register` and receive into their own `ReceiveBatch` instead.
    public func datagrams<T: DatagramTransport>(
        from transport: T, maxMessages: Int = 64, bufferSize: Int = 2_048, bufferedBatches: Int = 64
    ) throws(IOError) -> DatagramStream {
        precondition(bufferedBatches > 0, "bufferedBatches must be positive")
        let (stream, continuation) = AsyncStream<DatagramBatch>.makeStream(
            bufferingPolicy: .bufferingOldest(bufferedBatches))
        let counters = DatagramStream.Counters()
        let core = self.core
        try submit { context in
            let batch = ReceiveBatch(maxMessages: maxMessages, bufferSize: bufferSize)
            do throws(IOError) {
                let id = try context.register(
                    fileDescriptor: transport.pollDescriptor, interest: .readable,
                    onClose: { continuation.finish() }
                ) { [unowned context] _ in
                    // Bounded work per wake-up so one busy socket cannot starve the loop;
                    // level-triggered epoll reports the rest again.
                    for _ in 0..<16 {
                        let n: Int
                        do throws(IOError) {
                            n = try transport.receive(into: batch)
                        } catch {
                            counters.failure.withLock { $0 = error }
                            if let id = counters.registration.withLock({ $0 }) { context.deregister(id) }
                            return
                        }
                        if n == 0 { return }
                        counters.received.wrappingAdd(n, ordering: .relaxed)
                        if case .dropped = continuation.yield(DatagramBatch(copying: batch)) {
                            counters.dropped.wrappingAdd(n, ordering: .relaxed)
                        }
                    }
                }
                counters.registration.withLock { $0 = id }
            } catch {
                counters.failure.withLock { $0 = error }
                continuation.finish()
            }
        }
        continuation.onTermination = { _ in
            try? core.submit { context in
                if let id = counters.registration.withLock({ $0 }) { context.deregister(id) }
            }
        }
        return DatagramStream(base: stream, counters: counters)
    }
}

/// Received datagrams copied out of a `ReceiveBatch`: one byte buffer and one entry per datagram.
public struct DatagramBatch: Sendable {
    /// One datagram of the batch.
    public struct Datagram: Sendable {
        /// Who sent it.
        public var source: SocketAddress
        /// The local address it was sent to, if packet info is on.
        public var destination: SocketAddress?
        /// Its ECN codepoint.
        public var ecn: ECN
        /// Its bytes within `DatagramBatch.bytes`.
        public var range: Range<Int>
    }

    /// All payloads back to back.
    public let bytes: [UInt8]
    /// The datagrams, in arrival order.
    public let datagrams: [Datagram]

    /// Number of datagrams.
    public var count: Int { datagrams.count }

    /// The payload of datagram `index`.
    public subscript(index: Int) -> ArraySlice<UInt8> { bytes[datagrams[index].range] }

    /// Copies the datagrams of `batch`'s last receive.
    public init(copying batch: ReceiveBatch) {
        var total = 0
        batch.forEach { total += $0.bytes.count }
        var list: [Datagram] = []
        list.reserveCapacity(batch.datagramCount)
        bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            var offset = 0
            batch.forEach { d in
                if let base = d.bytes.baseAddress, let dst = buffer.baseAddress {
                    (dst + offset).initialize(from: base.assumingMemoryBound(to: UInt8.self), count: d.bytes.count)
                }
                list.append(Datagram(source: d.source, destination: d.destination, ecn: d.ecn,
                                     range: offset..<(offset + d.bytes.count)))
                offset += d.bytes.count
            }
            initialized = offset
        }
        datagrams = list
    }
}

/// The async sequence returned by `EventLoop.datagrams(from:)`, with its delivery counters.
public struct DatagramStream: AsyncSequence, Sendable {
    /// Shared counters between the loop thread and the consumer.
    final class Counters: Sendable {
        let received = Atomic<Int>(0)
        let dropped = Atomic<Int>(0)
        let registration = Mutex<RegistrationID?>(nil)
        let failure = Mutex<IOError?>(nil)
    }

    /// Each element is the datagrams of one `recvmmsg`.
    public typealias Element = DatagramBatch

    let base: AsyncStream<DatagramBatch>
    let counters: Counters

    /// Datagrams received from the socket so far (delivered or dropped).
    public var receivedDatagrams: Int { counters.received.load(ordering: .relaxed) }
    /// Datagrams dropped because `bufferedBatches` batches were already waiting.
    public var droppedDatagrams: Int { counters.dropped.load(ordering: .relaxed) }
    /// The receive error that ended the sequence, if one did.
    public var failure: IOError? { counters.failure.withLock { $0 } }

    /// The iterator.
    public func makeAsyncIterator() -> AsyncStream<DatagramBatch>.Iterator { base.makeAsyncIterator() }
}
