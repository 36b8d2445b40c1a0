/// Receive-side flow control for a stream or the connection (RFC 9000 §4.1–§4.2): checks the
/// peer against the limit we advertised and decides when to raise it, growing the window when
/// updates come faster than about two round trips (auto-tuning, as quinn and Chromium do).
public struct ReceiveFlowControl: Sendable, Hashable {
    /// The limit we advertised (MAX_DATA / MAX_STREAM_DATA value).
    public private(set) var maximum: UInt64
    /// The highest offset the peer has sent (sum of stream final offsets for the connection).
    public private(set) var highestReceived: UInt64 = 0
    /// Bytes the application has consumed.
    public private(set) var consumed: UInt64 = 0
    /// The window: how far beyond `consumed` the peer may send.
    public private(set) var window: UInt64
    /// The cap for auto-tuning.
    public let maximumWindow: UInt64
    /// When the window was last advertised.
    var lastUpdate: Instant?

    /// A controller advertising `initialWindow`, growing up to `maximumWindow`.
    public init(initialWindow: UInt64, maximumWindow: UInt64) {
        precondition(initialWindow <= maximumWindow, "initial window above the cap")
        maximum = initialWindow
        window = initialWindow
        self.maximumWindow = maximumWindow
    }

    /// RFC 9000 §4.1: records data up to `offset` (exclusive end) from the peer; beyond the
    /// advertised limit is a FLOW_CONTROL_ERROR. Returns how much the highest offset grew.
    @discardableResult
    public mutating func onDataReceived(upTo offset: UInt64) throws(TransportError) -> UInt64 {
        guard offset <= maximum else { throw TransportError(.flowControlError, "peer exceeded the flow-control limit") }
        guard offset > highestReceived else { return 0 }
        let growth = offset - highestReceived
        highestReceived = offset
        return growth
    }

    /// The application consumed `bytes` more.
    public mutating func onConsumed(_ bytes: UInt64) {
        consumed += bytes
        precondition(consumed <= highestReceived, "consumed more than received")
    }

    /// Grows the window to at least `minimum` (capped): the connection window follows a
    /// stream window that auto-tuned past it, so one fast stream is not held back by the
    /// connection limit (quiche keeps the same 1.5× lower bound).
    public mutating func raiseWindow(toAtLeast minimum: UInt64) {
        window = Swift.max(window, Swift.min(minimum, maximumWindow))
    }

    /// Whether half the window has been consumed, so ``pollUpdate(now:rtt:)`` would raise the limit.
    public var isUpdateDue: Bool { maximum - consumed <= window / 2 }

    /// RFC 9000 §4.2: a new limit to advertise once half the window has been consumed, or nil.
    /// When the previous update is less than two RTTs old, the window doubles (up to the cap)
    /// so a fast reader is not held back by a small window.
    public mutating func pollUpdate(now: Instant, rtt: Duration) -> UInt64? {
        guard isUpdateDue else { return nil }
        if let last = lastUpdate, now - last < rtt * 2 {
            window = Swift.min(window * 2, maximumWindow)
        }
        lastUpdate = now
        maximum = consumed + window
        return maximum
    }
}

/// Send-side flow control (RFC 9000 §4.1): what the peer allows, what we have sent, and
/// whether a DATA_BLOCKED / STREAM_DATA_BLOCKED is due (once per limit, §4.1).
public struct SendFlowControl: Sendable, Hashable {
    /// The peer's current limit.
    public private(set) var maximum: UInt64
    /// Bytes (offset) sent so far.
    public private(set) var sent: UInt64 = 0
    /// The limit at which we last reported being blocked.
    var blockedReportedAt: UInt64?

    /// Starts at the peer's initial limit (transport parameter).
    public init(initialMaximum: UInt64) { maximum = initialMaximum }

    /// Bytes that may be sent now.
    @inlinable
    public var available: UInt64 { maximum - sent }

    /// RFC 9000 §4.1: limits only grow; a smaller MAX_DATA / MAX_STREAM_DATA is ignored.
    public mutating func onMaximumRaised(to newMaximum: UInt64) {
        if newMaximum > maximum { maximum = newMaximum }
    }

    /// Records `bytes` newly sent; the caller never sends more than ``available``.
    public mutating func onSent(_ bytes: UInt64) {
        precondition(bytes <= available, "sent beyond the peer's flow-control limit")
        sent += bytes
    }

    /// The limit to report in a *_BLOCKED frame when we are blocked and have not reported it yet.
    public mutating func pollBlocked() -> UInt64? {
        guard available == 0, blockedReportedAt != maximum else { return nil }
        blockedReportedAt = maximum
        return maximum
    }
}
