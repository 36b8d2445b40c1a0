/// Datagram Packetization Layer PMTU Discovery for the current path (RFC 9000 §14.3, RFC 8899
/// §5), sans-IO: it decides which probe size to try next and which maximum datagram size is
/// confirmed; the connection sends the probes (PING + PADDING, RFC 9000 §14.4) and reports
/// their fate and that of ordinary packets.
///
/// Search: the first probe is the ceiling (the smaller of our configured maximum and the peer's
/// max_udp_payload_size): on a path that carries it (loopback, jumbo-frame LANs, the common
/// 1500-byte Ethernet with the 1452 default) one round trip finishes the search. A size is given
/// up after ``maxProbes`` consecutive lost probes (RFC 8899 §5.1.2 MAX_PROBES); the search then
/// bisects between the confirmed size and the failed one until the interval is narrower than
/// ``minimumStep``. It runs again ``raiseInterval`` after completing (RFC 8899 §5.1.1
/// PMTU_RAISE_TIMER) in case the path now carries more.
///
/// Black holes (RFC 8899 §4.3): when packets larger than ``baseSize`` stop getting through —
/// ``blackHoleThreshold`` loss events in a row without a single large packet acknowledged, or
/// that many consecutive PTOs — the size falls back to ``baseSize`` and the search resumes
/// after ``blackHoleCooldown``.
struct PathMTUDiscovery: Sendable {
    /// RFC 9000 §14.3: BASE_PLPMTU = MIN_PLPMTU = QUIC's smallest maximum datagram size.
    static let baseSize = 1200
    /// RFC 8899 §5.1.2: MAX_PROBES, consecutive losses before a probe size counts as failed.
    static let maxProbes = 3
    /// The search stops when the untested interval is narrower than this many bytes.
    static let minimumStep = 20
    /// Loss events (or PTOs) in a row with no large packet acknowledged that declare a black hole.
    static let blackHoleThreshold = 3
    /// RFC 8899 §5.1.1: PMTU_RAISE_TIMER, the pause between a completed search and the next.
    static let raiseInterval = Duration.seconds(600)
    /// The pause after a black hole before probing again.
    static let blackHoleCooldown = Duration.seconds(60)

    /// The confirmed maximum datagram size (UDP payload bytes) of the path.
    private(set) var current = Self.baseSize
    /// Our configured maximum; the ceiling is this or the peer's limit, whichever is smaller.
    let localMaximum: Int
    /// Whether probing is on at all (off: the size stays at ``baseSize``).
    let isEnabled: Bool
    /// The largest size the search may try.
    private(set) var ceiling = Self.baseSize
    /// The largest size not yet known to fail (inclusive upper bound of the search).
    private var high = Self.baseSize
    /// The size to probe next; nil when no search is running.
    private(set) var nextProbeSize: Int?
    /// The packet number of the probe in flight, if any.
    private(set) var probeInFlight: UInt64?
    /// Consecutive lost probes of ``nextProbeSize``.
    private var probeLosses = 0
    /// No probe before this instant (raise timer, black-hole cooldown).
    private var resumeAt: Instant?
    /// Loss events in a row that lost large packets without acknowledging one.
    private var suspiciousLossEvents = 0

    /// Probes sent, probes lost and black holes detected (for statistics).
    private(set) var probesSent: UInt64 = 0
    private(set) var probesLost: UInt64 = 0
    private(set) var blackHoles: UInt64 = 0

    /// Discovery up to `maximum` bytes (at least ``baseSize``); `enabled` false pins ``baseSize``.
    init(maximum: Int, enabled: Bool) {
        localMaximum = Swift.max(Self.baseSize, maximum)
        isEnabled = enabled && maximum > Self.baseSize
    }

    /// RFC 9000 §14.3.1: the handshake is complete and the peer's limit known: search from the
    /// current size up to `min(local maximum, peerMaximum)`.
    mutating func start(peerMaximum: UInt64) {
        ceiling = Swift.max(Self.baseSize, Swift.min(localMaximum, Int(clamping: peerMaximum)))
        if current > ceiling { current = ceiling }
        beginSearch()
    }

    private mutating func beginSearch() {
        high = ceiling
        probeLosses = 0
        probeInFlight = nil
        nextProbeSize = isEnabled && high - current >= 1 ? high : nil
    }

    /// The probe size to send now, if one is due (none in flight, not paused).
    func probeDue(now: Instant) -> Int? {
        guard let size = nextProbeSize, probeInFlight == nil else { return nil }
        if let resumeAt, now < resumeAt { return nil }
        return size
    }

    /// A probe of ``nextProbeSize`` bytes went out as packet `packetNumber`.
    mutating func onProbeSent(packetNumber: UInt64) {
        probeInFlight = packetNumber
        probesSent += 1
    }

    /// An acknowledged packet: returns the new confirmed size when it was our probe.
    mutating func onAcked(_ packet: SentPacket, now: Instant) -> Int? {
        if packet.sentBytes > Self.baseSize { suspiciousLossEvents = 0 }
        guard packet.isPMTUProbe, packet.packetNumber == probeInFlight, let size = nextProbeSize else { return nil }
        probeInFlight = nil
        probeLosses = 0
        current = Swift.max(current, size)
        advance(now: now)
        return current
    }

    /// A lost packet; probes count toward giving their size up.
    mutating func onLost(_ packet: SentPacket, now: Instant) {
        guard packet.isPMTUProbe, packet.packetNumber == probeInFlight, let size = nextProbeSize else { return }
        probeInFlight = nil
        probesLost += 1
        probeLosses += 1
        guard probeLosses >= Self.maxProbes else { return }
        probeLosses = 0
        high = size - 1
        advance(now: now)
    }

    /// A size that cannot be sent at all (larger than the sender's buffer): search below it.
    mutating func giveUp(size: Int, now: Instant) {
        guard size == nextProbeSize, probeInFlight == nil else { return }
        probeLosses = 0
        high = size - 1
        ceiling = Swift.min(ceiling, high)
        advance(now: now)
    }

    /// The next probe size after a success or a failure, or the end of the search.
    private mutating func advance(now: Instant) {
        if high - current < Self.minimumStep {
            nextProbeSize = nil
            resumeAt = now + Self.raiseInterval
            return
        }
        nextProbeSize = current + (high - current + 1) / 2
    }

    /// The raise timer: once it has passed and the ceiling is above the current size, search again.
    mutating func resumeIfDue(now: Instant) {
        guard isEnabled, nextProbeSize == nil, let resumeAt, resumeAt <= now, current < ceiling else { return }
        self.resumeAt = nil
        beginSearch()
    }

    /// After one ACK's (or loss timer's) loss processing: whether large packets were lost and
    /// whether any large one was acknowledged. Returns true on a black hole (size back to base).
    mutating func onLossEvent(lostLarge: Bool, ackedLarge: Bool, now: Instant) -> Bool {
        if ackedLarge { suspiciousLossEvents = 0 }
        guard lostLarge, !ackedLarge, current > Self.baseSize else { return false }
        suspiciousLossEvents += 1
        guard suspiciousLossEvents >= Self.blackHoleThreshold else { return false }
        fallBack(now: now)
        return true
    }

    /// A PTO fired with `ptoCount` consecutive timeouts: too many at a large size is a black hole.
    mutating func onProbeTimeout(ptoCount: Int, now: Instant) -> Bool {
        guard ptoCount >= Self.blackHoleThreshold, current > Self.baseSize else { return false }
        fallBack(now: now)
        return true
    }

    private mutating func fallBack(now: Instant) {
        blackHoles += 1
        current = Self.baseSize
        suspiciousLossEvents = 0
        beginSearch()
        resumeAt = now + Self.blackHoleCooldown
    }

    /// RFC 9000 §14.2: a new path (not just a new port) starts at the base size and searches again.
    mutating func resetForNewPath() {
        current = Self.baseSize
        suspiciousLossEvents = 0
        resumeAt = nil
        if ceiling > Self.baseSize { beginSearch() }
    }
}
