import CKoriumSys
import Glibc
import Synchronization

/// An event loop on its own thread: epoll readiness for registered descriptors, a timer heap,
/// and a queue of jobs submitted from any thread (woken through an eventfd).
///
/// The handle is Sendable (its state is a mutex-protected queue and atomics); the loop's own
/// state (`LoopContext`) is touched only on the loop thread, inside jobs, handlers and timers.
/// `shutdown()` (or dropping the last handle) runs every accepted job, ends all registrations,
/// drops pending timers and joins the thread.
public final class EventLoop: Sendable {
    let core: LoopCore

    /// Starts the loop thread.
    public init() throws(IOError) {
        let epollFD = epoll_create1(korium_EPOLL_CLOEXEC)
        guard epollFD >= 0 else { throw IOError.fromErrno(errno, .epollCreate) }
        let wakeFD = eventfd(0, korium_EFD_CLOEXEC | korium_EFD_NONBLOCK)
        guard wakeFD >= 0 else {
            let code = errno
            close(epollFD)
            throw IOError.fromErrno(code, .eventfd)
        }
        var event = epoll_event()
        event.events = korium_EPOLLIN
        event.data.u64 = 0  // token 0 is the wake-up descriptor
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event) == 0 else {
            let code = errno
            close(epollFD)
            close(wakeFD)
            throw IOError.fromErrno(code, .epollControl)
        }
        let core = LoopCore(epollFD: epollFD, wakeFD: wakeFD)
        self.core = core
        var thread = pthread_t()
        let context = Unmanaged.passRetained(core).toOpaque()
        let rc = pthread_create(&thread, nil, { argument in
            // The thread owns one reference to the core for its whole life.
            guard let argument else { return nil }
            let core = Unmanaged<LoopCore>.fromOpaque(argument).takeRetainedValue()
            // Also stored by `init` after pthread_create returns; set here first so a job that
            // runs before that store still recognises the loop thread.
            core.thread.store(UInt(pthread_self()), ordering: .releasing)
            LoopContext(core: core).run()
            core.running.store(false, ordering: .releasing)
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<LoopCore>.fromOpaque(context).release()
            throw IOError.fromErrno(rc, .threadCreate)
        }
        core.thread.store(UInt(thread), ordering: .releasing)
    }

    deinit { shutdown() }

    /// Runs `job` on the loop thread, after the jobs submitted before it (FIFO).
    /// Throws `loopShutDown` once shutdown has begun, `submissionQueueFull` when
    /// `LoopCore.maxPendingJobs` jobs are waiting.
    public func submit(_ job: @escaping @Sendable (LoopContext) -> Void) throws(IOError) {
        try core.submit(job)
    }

    /// Whether the loop thread is still running (false once shutdown has completed).
    public var isRunning: Bool { core.running.load(ordering: .acquiring) }

    /// Whether the caller is on this loop's thread.
    public var isInLoopThread: Bool { core.isLoopThread }

    /// Stops the loop: jobs already accepted still run, later submissions fail, registrations
    /// end (their `onClose` runs), pending timers are dropped. Returns after the thread has
    /// exited. Idempotent; from the loop thread itself it only requests the stop (a thread
    /// cannot join itself).
    public func shutdown() {
        let claimedJoin = core.queue.withLock { q -> Bool in
            q.isShuttingDown = true
            if q.joinClaimed { return false }
            q.joinClaimed = true
            return true
        }
        core.wake()
        let thread = pthread_t(core.thread.load(ordering: .acquiring))
        if core.isLoopThread {
            if claimedJoin { pthread_detach(thread) }
            return
        }
        if claimedJoin {
            pthread_join(thread, nil)
        } else {
            // Another caller is joining: wait until the thread is gone.
            while core.running.load(ordering: .acquiring) { usleep(1_000) }
        }
    }

    /// Schedules `handler` on the loop thread at `deadline`, from any thread. The returned id
    /// can be cancelled with `cancelTimer` from any thread.
    @discardableResult
    public func scheduleTimer(at deadline: ContinuousClock.Instant,
                              _ handler: @escaping @Sendable () -> Void) throws(IOError) -> TimerID {
        let id = TimerID(raw: core.allocateTimerID())
        // The timer cap (LoopContext.maxTimers) is far above any real use; past it the timer is not armed.
        try core.submit { context in try? context.scheduleTimer(id: id, at: deadline, handler) }
        return id
    }

    /// Schedules `handler` on the loop thread after `delay`, from any thread.
    @discardableResult
    public func scheduleTimer(after delay: Duration, _ handler: @escaping @Sendable () -> Void) throws(IOError) -> TimerID {
        try scheduleTimer(at: ContinuousClock.now + delay, handler)
    }

    /// Cancels a timer from any thread (no effect if it already fired). Ordered after every
    /// job this thread submitted before, including the one that scheduled it.
    public func cancelTimer(_ id: TimerID) {
        try? core.submit { context in context.cancelTimer(id) }
    }
}
