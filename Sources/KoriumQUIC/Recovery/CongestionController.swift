/// A congestion controller (RFC 9002 §7), driven by loss detection. Implementations are
/// value types used generically (`LossDetection<NewReno>`), so no call is an existential.
///
/// Loss detection owns `bytes_in_flight` and passes it in; a controller only keeps its
/// window state.
public protocol CongestionController: Sendable {
    /// The congestion window in bytes.
    var congestionWindow: Int { get }
    /// A packet carrying `bytes` counted in flight was sent at `now`.
    mutating func onPacketSent(bytes: Int, now: Instant)
    /// An in-flight packet of `bytes`, sent at `sentTime`, was acknowledged. `isAppLimited`:
    /// the sender was not using the window (RFC 9002 §7.8), so it must not grow.
    mutating func onPacketAcked(bytes: Int, sentTime: Instant, isAppLimited: Bool, rtt: RTTEstimator, now: Instant)
    /// RFC 9002 §7.3.2: a congestion event for loss of a packet sent at `sentTime` (the latest
    /// lost one), or an ECN-CE increase.
    mutating func onCongestionEvent(sentTime: Instant, now: Instant)
    /// RFC 9002 §7.6.2: persistent congestion collapses the window to the minimum.
    mutating func onPersistentCongestion()
    /// The path's maximum datagram size changed (PMTU discovery, RFC 9000 §14.3): window
    /// growth and the minimum window follow the new size (RFC 9002 §7.2).
    mutating func setMaxDatagramSize(_ size: Int)
}

/// Window constants shared by the controllers (RFC 9002 §7.2, Appendix B.1).
public struct CongestionConstants: Sendable, Hashable {
    /// The sender's maximum datagram size in bytes (starts at 1200).
    public var maxDatagramSize: Int

    /// Constants for `maxDatagramSize`.
    @inlinable
    public init(maxDatagramSize: Int = 1200) { self.maxDatagramSize = maxDatagramSize }

    /// RFC 9002 §7.2: `min(10 × max_datagram_size, max(14720, 2 × max_datagram_size))`.
    @inlinable
    public var initialWindow: Int { Swift.min(10 * maxDatagramSize, Swift.max(14720, 2 * maxDatagramSize)) }

    /// RFC 9002 §7.2: `2 × max_datagram_size`.
    @inlinable
    public var minimumWindow: Int { 2 * maxDatagramSize }
}
