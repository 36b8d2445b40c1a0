import Glibc
import Synchronization
import Testing
@testable import KoriumIO

/// Runs `body` on a thread of its own (neither the loop's nor the cooperative pool's) and
/// returns once it has finished.
func runOnNewThread(_ body: @escaping @Sendable () -> Void) {
    final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
    let argument = Unmanaged.passRetained(Body(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { argument in
        guard let argument else { return nil }
        Unmanaged<Body>.fromOpaque(argument).takeRetainedValue().run()
        return nil
    }, argument)
    precondition(rc == 0, "pthread_create failed: \(rc)")
    pthread_join(thread, nil)
}

/// Work the loop thread queues for itself is not announced through the eventfd: the loop must
/// still run it, in order, however long the chain, and never sleep with work pending.
@Suite("EventLoop self-submitted work")
struct EventLoopSelfSubmitTests {
    @Test("a chain of jobs each queued by the previous one runs to the end, in order")
    func jobChain() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let order = Mutex<[Int]>([])
        // 50 links: more rounds than one wake-up runs, so the loop must poll and continue; with
        // no timer armed, a loop that slept with the next link queued would never wake.
        let last = try await withTimeout {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                @Sendable func step(_ i: Int) {
                    order.withLock { $0.append(i) }
                    if i == 49 { continuation.resume(returning: i); return }
                    do { try loop.submit { _ in step(i + 1) } } catch { continuation.resume(throwing: error) }
                }
                do { try loop.submit { _ in step(0) } } catch { continuation.resume(throwing: error) }
            }
        }
        #expect(last == 49)
        #expect(order.withLock { $0 } == Array(0..<50))
    }

    @Test("a task on the loop's executor alternating with loop jobs stays on the loop thread")
    func taskPingPong() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let onLoop = try await withTimeout {
            await withTaskExecutorPreference(loop.taskExecutor) { () async -> Int in
                var count = 0
                for _ in 0..<100 {
                    // Each await queues a job from the loop thread; the job resumes the task,
                    // which the loop also queues for itself.
                    let inLoop = (try? await loop.execute { _ in loop.isInLoopThread }) ?? false
                    if inLoop && loop.isInLoopThread { count += 1 }
                }
                return count
            }
        }
        #expect(onLoop == 100)
    }

    @Test("a job another thread queues behind one the loop thread queued for itself runs, though neither wakes the loop")
    func foreignJobBehindSelfQueuedJob() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        // The loop thread queues a job for itself (the queue was empty: no eventfd write), then a
        // job from another thread lands behind it (not the first: no eventfd write either). Only
        // the loop's own look at the queue before epoll_wait can find them; no timer is armed,
        // so a loop that slept would sleep for good. Chains of 0 to 2 × jobRoundsPerWakeup
        // links first put that hand-off in every round of a wake-up, the last one included.
        for links in 0...(2 * LoopContext.jobRoundsPerWakeup) {
            let log = try await withTimeout(seconds: 10) {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[String], any Error>) in
                    let log = Mutex<[String]>([])
                    @Sendable func link(_ i: Int) {
                        do throws(IOError) {
                            if i < links {
                                try loop.submit { _ in link(i + 1) }
                                return
                            }
                            try loop.submit { _ in log.withLock { $0.append("self") } }
                            let queuedFirst = loop.core.queue.withLock { $0.jobs.count }
                            runOnNewThread {
                                do throws(IOError) {
                                    try loop.submit { _ in
                                        log.withLock { $0.append("foreign") }
                                        continuation.resume(returning: log.withLock { $0 })
                                    }
                                } catch {
                                    continuation.resume(throwing: error)
                                }
                            }
                            let queuedThen = loop.core.queue.withLock { $0.jobs.count }
                            log.withLock { $0.append("queued \(queuedFirst) then \(queuedThen)") }
                        } catch {
                            continuation.resume(throwing: error)
                        }
                    }
                    do { try loop.submit { _ in link(0) } } catch { continuation.resume(throwing: error) }
                }
            }
            // The loop thread queued first, the other thread second; both ran, in that order.
            #expect(log == ["queued 1 then 2", "self", "foreign"], "links: \(links)")
        }
    }
}
