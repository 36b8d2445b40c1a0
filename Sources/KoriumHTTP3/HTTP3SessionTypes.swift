import KoriumQUIC

/// Limits and options of an ``HTTP3Session``.
public struct HTTP3Configuration: Sendable {
    /// SETTINGS_MAX_FIELD_SECTION_SIZE we advertise and enforce on received field sections
    /// (RFC 9114 §4.2.2); also the cap on any buffered frame payload (HEADERS, SETTINGS).
    public var maxFieldSectionSize: Int = HTTP3Limits.maxFieldSectionSize
    /// The most request streams tracked at once; the peer opening more (the transport's
    /// MAX_STREAMS should be lower) is H3_EXCESSIVE_LOAD.
    public var maxRequestStreams: Int = HTTP3Limits.maxRequestStreams
    /// The most peer unidirectional streams of unknown or reserved type being discarded at
    /// once; more is H3_EXCESSIVE_LOAD.
    public var maxIgnoredStreams: Int = HTTP3Limits.maxIgnoredStreams
    /// A reserved setting (`0x1f * N + 0x21`) to send in SETTINGS (RFC 9114 §7.2.4.1: SHOULD);
    /// nil sends none.
    public var greaseSetting: (id: UInt64, value: UInt64)? = (id: 0x1f * 3 + 0x21, value: 0x2a)

    /// Default limits.
    public init() {}
}

/// What the transport must do for the session; apply in the order polled.
///
/// A thin adapter over `KoriumQUIC.Connection` maps `.write` to `write(_:to:)` (keeping any
/// bytes not accepted for the next `streamWritable` event) followed by `finish(_:)` when `fin`
/// is set, `.resetStream` / `.stopSending` to the methods of the same name with
/// `code.rawValue`, and `.closeConnection` to `close(errorCode:reason:now:)`.
public enum HTTP3Action: Hashable, Sendable {
    /// Append `bytes` to the stream; then end it if `fin`.
    case write(StreamID, [UInt8], fin: Bool)
    /// Abort sending on the stream (RESET_STREAM).
    case resetStream(StreamID, HTTP3ErrorCode)
    /// Ask the peer to stop sending on the stream (STOP_SENDING).
    case stopSending(StreamID, HTTP3ErrorCode)
    /// Close the connection with this application error (CONNECTION_CLOSE 0x1d).
    case closeConnection(HTTP3Error)
}

/// What the session tells the application.
public enum HTTP3Event: Hashable, Sendable {
    /// The peer's SETTINGS frame arrived.
    case settingsReceived(HTTP3Settings)
    /// Server: a request's header section arrived on a request stream.
    case request(StreamID, HTTP3Request)
    /// Client: the final response header section arrived (interim 1xx responses are skipped).
    case response(StreamID, HTTP3Response)
    /// A trailer section arrived.
    case trailers(StreamID, [HTTPField])
    /// Content bytes of the request or response.
    case data(StreamID, [UInt8])
    /// The peer ended its message on the stream cleanly.
    case finished(StreamID)
    /// The stream failed: reset by the peer, or by us after a stream error (the code says why).
    case streamFailed(StreamID, HTTP3ErrorCode)
    /// The peer sent GOAWAY with this stream ID (from a server) or push ID (from a client).
    case goAway(UInt64)
    /// The connection is closed with this error (ours, also sent as `.closeConnection`).
    case closed(HTTP3Error)
}
