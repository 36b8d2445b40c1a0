/// What happened to the datagrams of one direction through the impairment proxy.
public struct ImpairmentCounters: Sendable, Equatable {
    /// Datagrams that entered the direction.
    public var received = 0
    /// Bytes that entered the direction.
    public var receivedBytes = 0
    /// Datagrams delivered out of the direction (duplicates count twice).
    public var forwarded = 0
    /// Bytes delivered out of the direction.
    public var forwardedBytes = 0
    /// Dropped by the random loss draw.
    public var lost = 0
    /// Dropped inside a blackhole window.
    public var blackholed = 0
    /// Tail-dropped by the rate limiter's queue.
    public var queueDropped = 0
    /// Dropped because every buffer slot was taken (`ImpairmentCore.slotCount`).
    public var overflowed = 0
    /// Dropped for exceeding the MTU setting or the proxy's largest datagram.
    public var oversize = 0
    /// Datagrams with bits flipped.
    public var corrupted = 0
    /// Datagrams sent twice.
    public var duplicated = 0
    /// Datagrams held back by the reorder delay.
    public var reordered = 0

    /// Datagrams dropped for any reason.
    public var dropped: Int { lost + blackholed + queueDropped + overflowed + oversize }
    /// Datagrams (duplicates included) still held for later delivery.
    public var held: Int { received + duplicated - forwarded - dropped }

    /// Zero counters.
    public init() {}

    /// `received=… forwarded=… …` with `prefix` before each key: the stable, parsable form.
    public func fields(prefix: String) -> String {
        let pairs: [(String, Int)] = [
            ("received", received), ("received_bytes", receivedBytes), ("forwarded", forwarded),
            ("forwarded_bytes", forwardedBytes), ("lost", lost), ("blackholed", blackholed),
            ("queue_dropped", queueDropped), ("overflowed", overflowed), ("oversize", oversize),
            ("corrupted", corrupted), ("duplicated", duplicated), ("reordered", reordered),
        ]
        return pairs.map { "\(prefix)\($0.0)=\($0.1)" }.joined(separator: " ")
    }
}
