import Synchronization
import Testing
@testable import KoriumIO

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
}
