import Glibc
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
/// performance bound, so the default leaves room for a machine loaded many times over.
func withTimeout<R: Sendable>(seconds: Int = 30, _ body: @escaping @Sendable () async throws -> R) async throws -> R {
    try await withThrowingTaskGroup(of: R?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TimedOut() }
        return value
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
