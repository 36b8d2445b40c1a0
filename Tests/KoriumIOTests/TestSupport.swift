import Glibc
import Synchronization
@testable import KoriumIO

/// Waits up to `milliseconds` for `fd` to become readable.
func waitReadable(_ fd: Int32, milliseconds: Int32) -> Bool {
    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    return poll(&p, 1, milliseconds) == 1
}

/// Receives until `count` datagrams have arrived or `milliseconds` pass without progress;
/// returns (payload, source, destination, ecn) of each in order.
func receive(_ socket: UDPSocket, count: Int, batch: ReceiveBatch = ReceiveBatch(),
             milliseconds: Int32 = 2_000) throws -> [(bytes: [UInt8], source: SocketAddress, destination: SocketAddress?, ecn: ECN)] {
    var out: [(bytes: [UInt8], source: SocketAddress, destination: SocketAddress?, ecn: ECN)] = []
    while out.count < count {
        guard waitReadable(socket.fileDescriptor, milliseconds: milliseconds) else { break }
        _ = try socket.receive(into: batch)
        batch.forEach { d in out.append((Array(d.bytes), d.source, d.destination, d.ecn)) }
    }
    return out
}

/// A payload that encodes its index, so order and content can be checked exactly.
func payload(_ index: Int, size: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: size)
    for j in 0..<size { bytes[j] = UInt8(truncatingIfNeeded: index &* 31 &+ j &* 7) }
    if size >= 4 {
        bytes[0] = UInt8(truncatingIfNeeded: index >> 24)
        bytes[1] = UInt8(truncatingIfNeeded: index >> 16)
        bytes[2] = UInt8(truncatingIfNeeded: index >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: index)
    }
    return bytes
}

struct TimedOut: Error {}

/// Runs `body`, failing with `TimedOut` after `seconds`: a guard against hangs, not a
/// performance bound, so the default leaves room for a machine loaded many times over. `body`
/// runs in a task of its own that is cancelled, not awaited, at the deadline: a body suspended
/// where cancellation cannot reach it (a continuation that a job the loop never runs would
/// resume) fails the test instead of hanging the run.
func withTimeout<R: Sendable>(seconds: Int = 30, _ body: @escaping @Sendable () async throws -> R) async throws -> R {
    let outcome = FirstOutcome<R>()
    var tasks: [Task<Void, Never>] = []
    defer { for task in tasks { task.cancel() } }
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<R, any Error>) in
        outcome.continuation.withLock { $0 = continuation }
        tasks.append(Task {
            do { outcome.resume(with: .success(try await body())) } catch { outcome.resume(with: .failure(error)) }
        })
        tasks.append(Task {
            guard (try? await Task.sleep(for: .seconds(seconds))) != nil else { return }  // cancelled: body finished
            outcome.resume(with: .failure(TimedOut()))
        })
    }
}

/// The continuation of `withTimeout`, resumed by whichever of the body and the deadline comes first.
final class FirstOutcome<R: Sendable>: Sendable {
    let continuation = Mutex<CheckedContinuation<R, any Error>?>(nil)

    func resume(with result: Result<R, any Error>) {
        continuation.withLock { $0.take() }?.resume(with: result)
    }
}

/// Whether this host has a usable IPv6 loopback.
let hasIPv6Loopback: Bool = (try? UDPSocket(binding: .loopbackV6())) != nil

/// Whether this kernel offers UDP GSO and GRO (Linux 4.18 / 5.0 and later).
let hasUDPOffload: Bool = {
    var options = UDPSocket.Options()
    options.segmentationOffload = true
    options.receiveOffload = true
    guard let s = try? UDPSocket(binding: .loopbackV4(), options: options) else { return false }
    return s.isSegmentationOffloadEnabled && s.isReceiveOffloadEnabled
}()
