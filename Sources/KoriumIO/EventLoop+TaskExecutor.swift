import Synchronization

extension LoopCore: TaskExecutor {
    /// Runs a task's job on the loop thread, in FIFO order with submitted jobs. A continuation
    /// the loop resumes for such a task (a stream read or write completing) is queued here
    /// without an allocation, where the global executor takes two (libdispatch continuations)
    /// for every resumption from a thread that is not its own. Once the loop is shutting down
    /// (or its queue is full) the job goes to the global concurrent executor instead: a task
    /// is never dropped.
    func enqueue(_ job: consuming ExecutorJob) {
        let task = UnownedJob(job)
        let outcome = queue.withLock { q -> Int in
            if q.isShuttingDown || q.jobs.count >= Self.maxPendingJobs { return -1 }
            q.jobs.append(.task(task))
            return q.jobs.count
        }
        switch outcome {
        case -1: globalConcurrentExecutor.enqueue(ExecutorJob(task))
        case 1: wakeUnlessLoopThread()
        default: break
        }
    }
}

extension EventLoop {
    /// The loop as a task executor: tasks started with this preference
    /// (`withTaskExecutorPreference(loop.taskExecutor) { … }`, `Task(executorPreference:)`)
    /// run on the loop thread between its I/O rounds, like the loop's own jobs. For code that
    /// mostly waits on this loop's sockets (a QUIC server or client), that saves the thread
    /// hand-off and the allocations of every wake-up. CPU-heavy work there delays the loop's I/O.
    public var taskExecutor: any TaskExecutor { core }
}
