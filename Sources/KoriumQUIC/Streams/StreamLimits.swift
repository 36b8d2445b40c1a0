/// Stream-count limits for one direction (bidirectional or unidirectional), RFC 9000 §4.6:
/// how many streams we may open (the peer's MAX_STREAMS) and how many the peer may open (ours,
/// replenished as the peer's streams close).
struct StreamLimits: Sendable {
    /// Streams we have opened (the next local index).
    var localOpened: UInt64 = 0
    /// The peer's limit on our streams.
    var peerMaximum: UInt64 = 0
    /// STREAMS_BLOCKED to send with this limit.
    var blockedLimit: UInt64?
    /// The limit at which STREAMS_BLOCKED was last queued (once per limit).
    var blockedReportedAt: UInt64?
    /// An open failed: signal `.streamsAvailable` when the peer raises its limit.
    var wantsAvailable = false

    /// Streams the peer has opened, including implicitly opened ones (the next remote index).
    var remoteOpened: UInt64 = 0
    /// Our limit on the peer's streams: the initial limit plus closed peer streams.
    var localMaximum: UInt64
    /// The limit last put in a MAX_STREAMS frame (or the transport parameter).
    var advertised: UInt64
    /// The transport parameter value: the number of concurrent peer streams we allow.
    let initial: UInt64
    var isMaxStreamsPending = false

    init(initial: UInt64) {
        self.initial = Swift.min(initial, Frame.maxStreamCount)
        localMaximum = self.initial
        advertised = self.initial
    }

    /// A peer stream closed: allow one more; MAX_STREAMS is due once half the initial
    /// allowance has been freed (RFC 9000 §4.6 leaves the timing to us).
    mutating func onRemoteClosed() {
        guard localMaximum < Frame.maxStreamCount else { return }
        localMaximum += 1
        if localMaximum - advertised >= Swift.max(1, initial / 2) { isMaxStreamsPending = true }
    }

    /// We could not open a stream: report it once per peer limit (RFC 9000 §4.6 SHOULD).
    mutating func onOpenBlocked() {
        wantsAvailable = true
        if blockedReportedAt != peerMaximum {
            blockedReportedAt = peerMaximum
            blockedLimit = peerMaximum
        }
    }
}
