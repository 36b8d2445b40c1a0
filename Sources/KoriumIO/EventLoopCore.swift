import CKoriumSys
import Glibc
import Synchronization

/// A job run on the loop thread.
typealias LoopJob = @Sendable (LoopContext) -> Void

/// One entry of the submission queue. (A closure stored straight in an array is kept at the
/// generic abstraction level, so every `append` wrapped it in a reabstraction thunk: one heap
/// allocation per submitted job. In an enum payload it is stored as it is.)
enum LoopWork {
    case job(LoopJob)
    /// A task the loop runs as its task executor (see `LoopCore.enqueue`).
    case task(UnownedJob)
}

/// The state shared between an `EventLoop` handle (any thread) and its loop thread: the
/// descriptors, the submission queue behind a mutex, and atomics. Everything else the loop
/// owns lives in `LoopContext`, which never leaves the loop thread.
final class LoopCore: Sendable {
    struct Queue {
        var jobs: [LoopWork] = []
        var isShuttingDown = false
        var joinClaimed = false
    }

    /// Most jobs waiting for the loop thread; `submit` fails beyond it.
    static let maxPendingJobs = 65_536

    let epollFD: Int32
    let wakeFD: Int32
    let queue = Mutex(Queue())
    let running = Atomic<Bool>(true)
    let thread = Atomic<UInt>(0)
    let nextTimerID = Atomic<UInt64>(1)

    init(epollFD: Int32, wakeFD: Int32) {
        self.epollFD = epollFD
        self.wakeFD = wakeFD
    }

    deinit {
        close(epollFD)
        close(wakeFD)
    }

    func submit(_ job: @escaping LoopJob) throws(IOError) {
        let outcome = queue.withLock { q -> Int in
            if q.isShuttingDown { return -1 }
            if q.jobs.count >= Self.maxPendingJobs { return -2 }
            q.jobs.append(.job(job))
            return q.jobs.count
        }
        switch outcome {
        case -1: throw .loopShutDown
        case -2: throw .submissionQueueFull(limit: Self.maxPendingJobs)
        case 1: wakeUnlessLoopThread()
        default: break  // a wake-up is already on its way, or the loop thread queued the first
        }
    }

    /// The queue was empty: the loop may be asleep in epoll_wait. Not when the loop thread
    /// itself queues (a job or handler queueing a follow-up, a task on the loop's task executor
    /// resumed or posting its next request): the loop looks at the queue again before it
    /// sleeps, so the eventfd write and the extra epoll round trip are saved.
    func wakeUnlessLoopThread() {
        if !isLoopThread { wake() }
    }

    func wake() {
        var one: UInt64 = 1
        // EAGAIN means the counter is already non-zero: the loop will wake anyway.
        _ = write(wakeFD, &one, MemoryLayout<UInt64>.size)
    }

    func allocateTimerID() -> UInt64 { nextTimerID.wrappingAdd(1, ordering: .relaxed).oldValue }

    var isLoopThread: Bool {
        let t = thread.load(ordering: .acquiring)
        return t != 0 && pthread_equal(pthread_self(), pthread_t(t)) != 0
    }
}
