/// Where a connection sends its qlog events. Installed on `ConnectionConfiguration` (nil: no
/// logging and no cost); the connection calls `record` synchronously from whichever call
/// produced the event, with that call's `now`. See `QLogEvent` for where each event is emitted.
///
/// A sink is shared by reference and may be called from any thread the connection runs on, so
/// it must be Sendable (serialise internally). `QLogFileSink` (KoriumIO) writes JSON-SEQ files.
public protocol QLogSink: AnyObject, Sendable {
    /// Records `event`, which happened at `time`.
    func record(_ event: QLogEvent, at time: Instant)
}

/// What the header record of a qlog trace says about it (`QlogFileSeq` with one `TraceSeq`).
public struct QLogTraceInfo: Sendable, Hashable {
    /// The vantage point (`vantage_point.type`).
    public enum VantagePoint: Sendable, Hashable {
        /// The endpoint that initiated the connection.
        case client
        /// The endpoint that accepted it.
        case server
    }

    /// Whose view the trace is.
    public var vantagePoint: VantagePoint
    /// `vantage_point.name`, e.g. `korium`.
    public var name: String
    /// The trace's `group_id` (the original destination connection ID, as most tools expect).
    public var groupID: ConnectionID?
    /// `title` of the file.
    public var title: String

    /// A trace of `vantagePoint`.
    public init(vantagePoint: VantagePoint, name: String = "korium", groupID: ConnectionID? = nil,
                title: String = "korium qlog") {
        self.vantagePoint = vantagePoint
        self.name = name
        self.groupID = groupID
        self.title = title
    }
}
