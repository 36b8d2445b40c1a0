import Synchronization

/// Cancellation bookkeeping for one suspended call. The suspension registers its continuation
/// in a loop job; the task's cancellation handler sets `isCancelled` and submits a job that
/// removes and resumes the continuation if registered. Jobs run in order on the loop thread, so
/// either the registration job sees the flag (and resumes with `CancellationError` itself) or
/// the cancellation job finds the registered continuation: it is resumed exactly once either way.
final class WaiterToken: Sendable {
    let id: UInt64
    let isCancelled = Atomic<Bool>(false)

    init(id: UInt64) { self.id = id }
}
