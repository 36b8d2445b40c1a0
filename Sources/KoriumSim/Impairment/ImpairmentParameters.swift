/// A direction through the impairment proxy.
public enum ImpairmentDirection: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// From the client to the server.
    case clientToServer = 0
    /// From the server back to the client.
    case serverToClient = 1

    /// `c2s` or `s2c`, as in the counters line and the script syntax.
    public var description: String { self == .clientToServer ? "c2s" : "s2c" }
}

/// The impairments of one direction: the simulator's link model (`SimLinkProfile`: loss,
/// duplication, reordering, delay, jitter, rate with a bounded queue, MTU) plus payload
/// corruption, which only a proxy carrying real bytes can apply.
public struct ImpairmentParameters: Sendable, Equatable {
    /// Most bits one corruption flips.
    public static let maxCorruptBits = 64

    /// Loss, duplication, reordering, delay/jitter, rate limit, queue, MTU.
    public var link: SimLinkProfile
    /// Probability a datagram has bits flipped (0…1).
    public var corrupt: Double
    /// Distinct bits flipped in a corrupted datagram (1…`maxCorruptBits`, fewer if the datagram is shorter).
    public var corruptBits: Int

    /// A direction with `link` and the given corruption.
    public init(link: SimLinkProfile = SimLinkProfile(), corrupt: Double = 0, corruptBits: Int = 1) {
        self.link = link
        self.corrupt = corrupt
        self.corruptBits = corruptBits
    }
}

/// One `key=value` setting of the script syntax, applied on top of a direction's parameters.
///
/// Keys: `loss`, `corrupt`, `corrupt-bits`, `dup`, `reorder` (probabilities as `5%` or `0.05`),
/// `reorder-delay`, `delay`, `jitter` (uniform in [0, v)), `jitter-exp` (exponential, mean v)
/// (durations as `100ms`, `2s`, `250us`), `rate` (`10mbit`, `1gbit`, `800kbit`, bits/s; `0` =
/// unlimited), `queue` and `burst` (bytes: `64kb`, `1mb`, `1500`), `mtu` (bytes, `0` = none).
public enum ImpairmentSetting: Sendable, Equatable {
    /// `loss`: probability a datagram is dropped.
    case loss(Double)
    /// `corrupt`: probability a datagram has bits flipped.
    case corrupt(Double)
    /// `corrupt-bits`: bits flipped per corrupted datagram.
    case corruptBits(Int)
    /// `dup`: probability a datagram is delivered twice.
    case duplicate(Double)
    /// `reorder`: probability a datagram is held back by the reorder delay.
    case reorder(Double)
    /// `reorder-delay`: how long a reordered datagram is held back.
    case reorderDelay(SimDuration)
    /// `delay`: fixed one-way delay.
    case delay(SimDuration)
    /// `jitter` / `jitter-exp`: random extra delay.
    case jitter(SimJitter)
    /// `rate`: bottleneck rate (0 = unlimited).
    case rate(bitsPerSecond: Int64)
    /// `queue`: bytes the bottleneck queue holds before tail drop.
    case queue(bytes: Int64)
    /// `burst`: token-bucket depth.
    case burst(bytes: Int64)
    /// `mtu`: largest datagram carried (0 = no limit).
    case mtu(Int)

    /// Applies this setting to `parameters`.
    public func apply(to parameters: inout ImpairmentParameters) {
        switch self {
        case .loss(let p): parameters.link.loss = p
        case .corrupt(let p): parameters.corrupt = p
        case .corruptBits(let n): parameters.corruptBits = n
        case .duplicate(let p): parameters.link.duplicate = p
        case .reorder(let p): parameters.link.reorder = p
        case .reorderDelay(let d): parameters.link.reorderDelay = d
        case .delay(let d): parameters.link.extraDelay = d
        case .jitter(let j): parameters.link.jitter = j
        case .rate(let bps): parameters.link.bandwidthBitsPerSecond = bps
        case .queue(let bytes): parameters.link.queueCapacityBytes = bytes
        case .burst(let bytes): parameters.link.burstBytes = bytes
        case .mtu(let bytes): parameters.link.mtu = bytes
        }
    }
}

/// Which directions a scripted change applies to.
public enum ImpairmentScope: Sendable, Hashable {
    /// Both directions.
    case both
    /// One direction.
    case only(ImpairmentDirection)

    /// Whether `direction` is in scope.
    public func contains(_ direction: ImpairmentDirection) -> Bool {
        switch self {
        case .both: return true
        case .only(let d): return d == direction
        }
    }
}

/// How the proxy changes the client's apparent address (RFC 9000 §9: NAT rebinding).
public enum ImpairmentRebind: Sendable, Hashable {
    /// Client traffic reaches the server from a new source port (same address).
    case port
    /// Client traffic reaches the server from another address (the next 127.0.0.x) and a new port.
    case address
}

/// What a scheduled event does.
public enum ImpairmentAction: Sendable, Equatable {
    /// Changes parameters of the directions in scope.
    case set(ImpairmentScope, [ImpairmentSetting])
    /// Drops every datagram entering the directions in scope for the duration (100 % loss).
    case blackhole(ImpairmentScope, SimDuration)
    /// Rebinds the client's apparent address from now on.
    case rebind(ImpairmentRebind)
}

/// One entry of an impairment script: `action` at `at` after the first datagram.
public struct ImpairmentEvent: Sendable, Equatable {
    /// Time after the first datagram the proxy sees.
    public var at: SimDuration
    /// What happens.
    public var action: ImpairmentAction

    /// An event at `at` after the first datagram.
    public init(at: SimDuration, _ action: ImpairmentAction) {
        self.at = at
        self.action = action
    }
}
