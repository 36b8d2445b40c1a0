import KoriumQUIC
import Synchronization

/// The loop-thread side of a ``QUICEndpoint``: the sans-IO ``Endpoint``, the socket, reused
/// batches and every suspended caller. All of it lives in one mutex that only the loop thread
/// takes in practice (every access is a loop job, socket handler or timer), so the lock is
/// uncontended; it is there so the type is Sendable without `@unchecked`.
final class QUICDriver: Sendable {
    let loop: EventLoop
    let socket: UDPSocket
    let state: Mutex<DriverState>
    /// Zero of the sans-IO clock: `Instant(nanoseconds: 1e9)` is `origin`.
    let origin: ContinuousClock.Instant
    let waiterIDs = Atomic<UInt64>(1)

    init(loop: EventLoop, socket: UDPSocket, configuration: QUICEndpoint.Configuration) {
        self.loop = loop
        self.socket = socket
        origin = ContinuousClock.now
        state = Mutex(DriverState(configuration: configuration))
    }

    /// A fresh ID for a suspended call (cancellation finds its waiter by it).
    func nextWaiterID() -> UInt64 { waiterIDs.wrappingAdd(1, ordering: .relaxed).oldValue }

    /// The sans-IO clock.
    func now() -> Instant {
        let (seconds, attoseconds) = (ContinuousClock.now - origin).components
        return Instant(nanoseconds: 1_000_000_000 + UInt64(max(0, seconds)) * 1_000_000_000
            + UInt64(max(0, attoseconds / 1_000_000_000)))
    }

    /// The loop clock's instant for a sans-IO instant.
    func clockInstant(_ instant: Instant) -> ContinuousClock.Instant {
        origin + .nanoseconds(Int64(clamping: instant.nanoseconds) - 1_000_000_000)
    }

    /// Runs `body` with the state on the loop thread, then sends what it produced and delivers
    /// events. False when the loop no longer accepts jobs.
    @discardableResult
    func run(_ body: @escaping @Sendable (inout DriverState, QUICDriver, LoopContext) -> Void) -> Bool {
        do {
            try loop.submit { [self] context in
                state.withLock { s in
                    body(&s, self, context)
                    s.pump(self, context)
                }
            }
            return true
        } catch {
            return false
        }
    }

    /// Suspends the caller until `register` (run on the loop thread) or a later event resumes
    /// the continuation. Cancellation resumes it with `CancellationError` (see ``WaiterToken``);
    /// a closed endpoint with ``QUICError/endpointClosed``.
    func suspend<T: Sendable>(
        _ register: @escaping @Sendable (inout DriverState, QUICDriver, WaiterToken, CheckedContinuation<T, any Error>) -> Void
    ) async throws -> T {
        let token = WaiterToken(id: nextWaiterID())
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let submitted = run { s, driver, _ in
                    if token.isCancelled.load(ordering: .acquiring) {
                        continuation.resume(throwing: CancellationError())
                        return
                    }
                    guard !s.isClosed else {
                        continuation.resume(throwing: QUICError.endpointClosed)
                        return
                    }
                    register(&s, driver, token, continuation)
                }
                if !submitted { continuation.resume(throwing: QUICError.endpointClosed) }
            }
        } onCancel: {
            token.isCancelled.store(true, ordering: .releasing)
            run { s, driver, _ in s.cancelWaiter(token.id, now: driver.now()) }
        }
    }
}
