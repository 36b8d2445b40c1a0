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
    /// Largest message in bytes (0 = no limit); larger messages are dropped, as an IP path
    /// without fragmentation drops an oversized UDP datagram.
    public var mtu: Int = 0

    /// A perfect link: no loss, no jitter, unlimited bandwidth.
    public init() {}

    /// A link with the given impairments.
    public init(loss: Double = 0, duplicate: Double = 0, reorder: Double = 0,
                reorderDelay: SimDuration = .milliseconds(10), extraDelay: SimDuration = .zero,
                jitter: SimJitter = .none, bandwidthBitsPerSecond: Int64 = 0,
                queueCapacityBytes: Int64 = 256 * 1024, mtu: Int = 0) {
        self.loss = loss
        self.duplicate = duplicate
        self.reorder = reorder
        self.reorderDelay = reorderDelay
        self.extraDelay = extraDelay
        self.jitter = jitter
        self.bandwidthBitsPerSecond = bandwidthBitsPerSecond
        self.queueCapacityBytes = queueCapacityBytes
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
