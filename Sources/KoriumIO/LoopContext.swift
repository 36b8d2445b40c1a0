import CKoriumSys
import Glibc

/// Identifies a descriptor registered with an event loop.
public struct RegistrationID: Hashable, Sendable {
    let token: UInt64
}

/// Identifies a timer of an event loop.
public struct TimerID: Hashable, Sendable {
    let raw: UInt64
}

/// Which readiness a registration waits for.
public struct Interest: OptionSet, Hashable, Sendable {
    /// The raw bits.
    public let rawValue: UInt8
    /// Creates an interest from raw bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Data can be read.
    public static let readable = Interest(rawValue: 1)
    /// Data can be written.
    public static let writable = Interest(rawValue: 2)
}

/// What a descriptor is ready for, passed to its handler.
public struct Readiness: OptionSet, Hashable, Sendable {
    /// The raw bits.
    public let rawValue: UInt8
    /// Creates a readiness from raw bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Readable.
    public static let readable = Readiness(rawValue: 1)
    /// Writable.
    public static let writable = Readiness(rawValue: 2)
    /// An error is pending on the descriptor.
    public static let error = Readiness(rawValue: 4)
    /// The peer hung up.
    public static let hangup = Readiness(rawValue: 8)
}

/// The loop thread's side of an `EventLoop`: registrations, timers and the epoll wait. Handed
/// to every job and usable only on the loop thread (it is not Sendable); handlers registered
/// here run on the loop thread and may capture loop-confined state such as reused batches.
public final class LoopContext {
    struct Registration {
        var fd: Int32
        var interest: Interest
        var handler: (Readiness) -> Void
        var onClose: (() -> Void)?
    }

    /// Most descriptors one loop watches.
    public static let maxRegistrations = 65_536
    /// Most pending timers one loop holds.
    public static let maxTimers = 1 << 20
    static let eventCapacity = 64
    /// Rounds of queued work (jobs and tasks queueing more) run between two epoll_wait calls.
    static let jobRoundsPerWakeup = 8

    let core: LoopCore
    private var registrations: [UInt64: Registration] = [:]
    private var nextToken: UInt64 = 1
    private var timers = TimerQueue()
    private var spareJobs: [LoopWork] = []
    private let events: UnsafeMutablePointer<epoll_event>

    init(core: LoopCore) {
        self.core = core
        events = .allocate(capacity: Self.eventCapacity)
        events.initialize(repeating: epoll_event(), count: Self.eventCapacity)
    }

    deinit { events.deallocate() }

    /// The loop's clock.
    public var now: ContinuousClock.Instant { ContinuousClock.now }

    /// Watches `fd` for `interest`; `handler` runs on the loop thread with the readiness
    /// (level-triggered: it runs again while the condition holds). `onClose` runs once when the
    /// registration ends (`deregister` or loop shutdown). Deregister before closing `fd`.
    public func register(fileDescriptor fd: Int32, interest: Interest, onClose: (() -> Void)? = nil,
                         _ handler: @escaping (Readiness) -> Void) throws(IOError) -> RegistrationID {
        guard registrations.count < Self.maxRegistrations else {
            throw .tooManyRegistrations(limit: Self.maxRegistrations)
        }
        let token = nextToken
        var event = epoll_event()
        event.events = Self.mask(interest)
        event.data.u64 = token
        guard epoll_ctl(core.epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else {
            throw IOError.fromErrno(errno, .epollControl)
        }
        nextToken += 1
        registrations[token] = Registration(fd: fd, interest: interest, handler: handler, onClose: onClose)
        return RegistrationID(token: token)
    }

    /// Changes what a registration waits for (e.g. add `.writable` while a send is blocked).
    public func modify(_ id: RegistrationID, interest: Interest) throws(IOError) {
        guard var registration = registrations[id.token] else { return }
        guard registration.interest != interest else { return }
        var event = epoll_event()
        event.events = Self.mask(interest)
        event.data.u64 = id.token
        guard epoll_ctl(core.epollFD, EPOLL_CTL_MOD, registration.fd, &event) == 0 else {
            throw IOError.fromErrno(errno, .epollControl)
        }
        registration.interest = interest
        registrations[id.token] = registration
    }

    /// Stops watching; runs the registration's `onClose`. No effect if already deregistered.
    public func deregister(_ id: RegistrationID) {
        guard let registration = registrations.removeValue(forKey: id.token) else { return }
        var event = epoll_event()
        _ = epoll_ctl(core.epollFD, EPOLL_CTL_DEL, registration.fd, &event)
        registration.onClose?()
    }

    /// Number of registered descriptors.
    public var registrationCount: Int { registrations.count }

    /// Runs `handler` on the loop thread once `deadline` has passed. Timers with equal deadlines
    /// fire in the order they were scheduled.
    @discardableResult
    public func scheduleTimer(at deadline: ContinuousClock.Instant, _ handler: @escaping () -> Void) throws(IOError) -> TimerID {
        let id = TimerID(raw: core.allocateTimerID())
        try scheduleTimer(id: id, at: deadline, handler)
        return id
    }

    /// Runs `handler` on the loop thread after `delay`.
    @discardableResult
    public func scheduleTimer(after delay: Duration, _ handler: @escaping () -> Void) throws(IOError) -> TimerID {
        try scheduleTimer(at: now + delay, handler)
    }

    func scheduleTimer(id: TimerID, at deadline: ContinuousClock.Instant, _ handler: @escaping () -> Void) throws(IOError) {
        guard timers.count < Self.maxTimers else { throw .tooManyTimers(limit: Self.maxTimers) }
        timers.schedule(id: id.raw, at: deadline, handler)
    }

    /// Cancels a pending timer; false if it already fired or was cancelled.
    @discardableResult
    public func cancelTimer(_ id: TimerID) -> Bool { timers.cancel(id: id.raw) }

    /// Number of pending timers.
    public var timerCount: Int { timers.count }

    // MARK: the loop

    static func mask(_ interest: Interest) -> UInt32 {
        var bits: UInt32 = 0
        if interest.contains(.readable) { bits |= korium_EPOLLIN }
        if interest.contains(.writable) { bits |= korium_EPOLLOUT }
        return bits
    }

    static func readiness(_ bits: UInt32) -> Readiness {
        var r: Readiness = []
        if bits & korium_EPOLLIN != 0 { r.insert(.readable) }
        if bits & korium_EPOLLOUT != 0 { r.insert(.writable) }
        if bits & korium_EPOLLERR != 0 { r.insert(.error) }
        if bits & korium_EPOLLHUP != 0 { r.insert(.hangup) }
        return r
    }

    /// Milliseconds until the next timer, rounded up so timers never fire early; -1 for none.
    private func timeoutMilliseconds() -> Int32 {
        guard let deadline = timers.nextDeadline() else { return -1 }
        let remaining = deadline - now
        if remaining <= .zero { return 0 }
        let (seconds, attoseconds) = remaining.components
        let ms = seconds * 1_000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: ms)
    }

    /// The loop thread's body: wait, dispatch readiness, fire timers, run jobs, until shutdown.
    func run() {
        while true {
            // Work the loop thread queued for itself did not wake it (see `LoopCore.wakeUnlessLoopThread`): only poll then.
            let timeout = core.queue.withLock { $0.jobs.isEmpty } ? timeoutMilliseconds() : 0
            let n = epoll_wait(core.epollFD, events, Int32(Self.eventCapacity), timeout)
            if n < 0 {
                let code = errno
                // Anything but EINTR means our epoll descriptor is broken: a bug in this file.
                precondition(code == EINTR, "epoll_wait failed: \(IOError.errnoText(code))")
                continue
            }
            for i in 0..<Int(n) {
                let token = events[i].data.u64
                if token == 0 {
                    var counter: UInt64 = 0
                    _ = read(core.wakeFD, &counter, MemoryLayout<UInt64>.size)
                    continue
                }
                // A handler earlier in this batch may have deregistered this one.
                guard let registration = registrations[token] else { continue }
                registration.handler(Self.readiness(events[i].events))
            }
            fireTimers()
            if runJobs() { break }
        }
        tearDown()
    }

    private func fireTimers() {
        let limit = core.nextTimerID.load(ordering: .relaxed)
        let current = now
        while let handler = timers.popExpired(now: current, idLimit: limit) { handler() }
    }

    /// Runs the submitted jobs, and the jobs and tasks those queue (a loop job resuming a task
    /// on the loop's task executor, the task posting its next request), for up to
    /// `jobRoundsPerWakeup` rounds before sockets and timers get their turn again; true when
    /// the loop is shutting down (all accepted jobs have run).
    private func runJobs() -> Bool {
        for _ in 0..<Self.jobRoundsPerWakeup {
            var jobs = spareJobs
            spareJobs = []
            let shuttingDown = core.queue.withLock { q -> Bool in
                swap(&q.jobs, &jobs)
                return q.isShuttingDown
            }
            let ranAny = !jobs.isEmpty
            for work in jobs {
                switch work {
                case .job(let job): job(self)
                case .task(let task): task.runSynchronously(on: core.asUnownedTaskExecutor())
                }
            }
            jobs.removeAll(keepingCapacity: true)
            spareJobs = jobs
            if shuttingDown { return true }
            if !ranAny { break }
        }
        return false
    }

    private func tearDown() {
        for token in registrations.keys.sorted() { deregister(RegistrationID(token: token)) }
        timers.removeAll()
    }
}
