/// Random delay added to a message's base delay.
public enum SimJitter: Sendable, Equatable {
    /// No jitter.
    case none
    /// Uniform in [0, max).
    case uniform(max: SimDuration)
    /// Exponential with the given mean (a long tail, like queueing in the wild).
    case exponential(mean: SimDuration)
}

/// How a link treats each message, applied in this order at send time:
/// MTU check → partition → interceptor → loss → uplink queue (bandwidth, queue cap) → delay
/// (topology base + `extraDelay` + jitter) → reordering → duplication.
///
/// Reordering follows netem's model: with probability `reorder` a message is held back by
/// `reorderDelay` more, so messages sent after it overtake it. Duplication delivers a second
/// copy with its own jitter draw. Loss, duplication and reordering are independent draws.
public struct SimLinkProfile: Sendable, Equatable {
    /// Probability a message is lost (0…1).
    public var loss: Double = 0
    /// Probability a message is delivered twice (0…1).
    public var duplicate: Double = 0
    /// Probability a message is held back by `reorderDelay` (0…1).
    public var reorder: Double = 0
    /// How long a reordered message is held back.
    public var reorderDelay: SimDuration = .milliseconds(10)
    /// A fixed delay added to the topology's base delay.
    public var extraDelay: SimDuration = .zero
    /// The jitter model.
    public var jitter: SimJitter = .none
    /// Sender uplink capacity in bits per second (0 = unlimited: no serialization delay).
    public var bandwidthBitsPerSecond: Int64 = 0
    /// Bytes that may wait in the sender's uplink queue; a message that would exceed it is
    /// dropped (tail drop). Only meaningful with a bandwidth cap.
    public var queueCapacityBytes: Int64 = 256 * 1024
    /// Token-bucket depth in bytes: an idle uplink may send this much at once before the rate
    /// applies (0 = a pure serialisation queue). Only meaningful with a bandwidth cap.
    public var burstBytes: Int64 = 0
    /// Largest message in bytes (0 = no limit); larger messages are dropped, as an IP path
    /// without fragmentation drops an oversized UDP datagram.
    public var mtu: Int = 0

    /// A perfect link: no loss, no jitter, unlimited bandwidth.
    public init() {}

    /// A link with the given impairments.
    public init(loss: Double = 0, duplicate: Double = 0, reorder: Double = 0,
                reorderDelay: SimDuration = .milliseconds(10), extraDelay: SimDuration = .zero,
                jitter: SimJitter = .none, bandwidthBitsPerSecond: Int64 = 0,
                queueCapacityBytes: Int64 = 256 * 1024, burstBytes: Int64 = 0, mtu: Int = 0) {
        self.loss = loss
        self.duplicate = duplicate
        self.reorder = reorder
        self.reorderDelay = reorderDelay
        self.extraDelay = extraDelay
        self.jitter = jitter
        self.bandwidthBitsPerSecond = bandwidthBitsPerSecond
        self.queueCapacityBytes = queueCapacityBytes
        self.burstBytes = burstBytes
        self.mtu = mtu
    }

    /// A jitter sample.
    @inlinable
    func sampleJitter(_ rng: inout SimRandom) -> Int64 {
        switch jitter {
        case .none: return 0
        case .uniform(let m):
            return m.nanoseconds > 0 ? Int64(rng.nextDouble() * Double(m.nanoseconds)) : 0
        case .exponential(let mean):
            return mean.nanoseconds > 0 ? Int64(min(rng.exponential(mean: Double(mean.nanoseconds)), 9e17)) : 0
        }
    }
}

/// What the link model decided for one message (`SimLinkProfile.decide`).
public enum SimLinkDecision: Sendable, Equatable {
    /// Lost by the random loss draw.
    case lost
    /// Tail-dropped: the uplink queue would exceed `queueCapacityBytes`.
    case queueFull
    /// Delivered at `at` (nanoseconds on the caller's clock), a second copy at `duplicateAt`
    /// when duplicated; `reordered` when it was held back by `reorderDelay`.
    case deliver(at: Int64, duplicateAt: Int64?, reordered: Bool)
}

extension SimLinkProfile {
    /// The link model for one message of `size` bytes sent at `now` (nanoseconds): loss →
    /// uplink token bucket (rate, burst, bounded queue, tail drop) → delay (`pathDelay` +
    /// `extraDelay` + jitter) → reordering → duplication. The one implementation shared by
    /// `Simulation` and the impairment proxy core (`ImpairmentCore`).
    ///
    /// `uplinkTAT` is the sender's token-bucket state (the theoretical arrival time of the generic
    /// cell rate algorithm, ITU-T I.371; start at 0); it is only read and written with a bandwidth cap. Random draws, in
    /// order: loss, jitter, reorder, duplicate, the duplicate's jitter (each only when its
    /// probability or model is non-zero), so runs stay bit-for-bit reproducible.
    @inlinable
    public func decide(size: Int, now: Int64, pathDelay: Int64, uplinkTAT: inout Int64,
                       random: inout SimRandom) -> SimLinkDecision {
        if random.chance(loss) { return .lost }
        var depart = now
        if bandwidthBitsPerSecond > 0 {
            let bps = Double(bandwidthBitsPerSecond)
            // Times are clamped below 2^63 ns so extreme settings (1 bit/s, a terabyte burst)
            // cannot trap the conversion to Int64.
            let burstTime = burstBytes > 0 ? Int64(min(Double(burstBytes) * 8e9 / bps, 9e18)) : 0
            let start = max(now, uplinkTAT &- burstTime)
            let backlogBytes = Double(start &- now) * bps / 8e9
            if backlogBytes + Double(size) > Double(queueCapacityBytes) { return .queueFull }
            let tx = Int64(min((Double(size) * 8e9 / bps).rounded(.up), 9e18))
            uplinkTAT = max(uplinkTAT, now) &+ tx
            depart = start &+ tx
        }
        let base = depart &+ pathDelay &+ extraDelay.nanoseconds
        var at = base &+ sampleJitter(&random)
        var reordered = false
        if random.chance(reorder) {
            at &+= reorderDelay.nanoseconds
            reordered = true
        }
        if random.chance(duplicate) {
            return .deliver(at: at, duplicateAt: base &+ sampleJitter(&random), reordered: reordered)
        }
        return .deliver(at: at, duplicateAt: nil, reordered: reordered)
    }
}
