/// An HTTP/3 application error code (RFC 9114 §8.1) or a QPACK one (RFC 9204 §6), sent in
/// CONNECTION_CLOSE (type 0x1d), RESET_STREAM and STOP_SENDING. This is the module's one table
/// of codes; unknown codes from a peer are kept as they are (RFC 9114 §9: they mean
/// H3_NO_ERROR).
public struct HTTP3ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 62-bit code as sent on the wire.
    public let rawValue: UInt64

    /// Wraps a code received from a peer or defined by an extension.
    @inlinable
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// 0x0100: no error; used when closing a connection or stream with nothing wrong.
    public static let noError = HTTP3ErrorCode(rawValue: 0x0100)
    /// 0x0101: a protocol error not covered by a more specific code.
    public static let generalProtocolError = HTTP3ErrorCode(rawValue: 0x0101)
    /// 0x0102: an internal error in the HTTP stack.
    public static let internalError = HTTP3ErrorCode(rawValue: 0x0102)
    /// 0x0103: the peer created a stream that will not be accepted.
    public static let streamCreationError = HTTP3ErrorCode(rawValue: 0x0103)
    /// 0x0104: a stream required by the connection was closed or reset.
    public static let closedCriticalStream = HTTP3ErrorCode(rawValue: 0x0104)
    /// 0x0105: a frame not permitted in the current state or on the current stream.
    public static let frameUnexpected = HTTP3ErrorCode(rawValue: 0x0105)
    /// 0x0106: a frame violated layout or size rules.
    public static let frameError = HTTP3ErrorCode(rawValue: 0x0106)
    /// 0x0107: the peer is generating excessive load.
    public static let excessiveLoad = HTTP3ErrorCode(rawValue: 0x0107)
    /// 0x0108: a stream ID or push ID was used incorrectly.
    public static let idError = HTTP3ErrorCode(rawValue: 0x0108)
    /// 0x0109: a SETTINGS frame contained invalid values.
    public static let settingsError = HTTP3ErrorCode(rawValue: 0x0109)
    /// 0x010a: the first frame on the control stream was not SETTINGS.
    public static let missingSettings = HTTP3ErrorCode(rawValue: 0x010a)
    /// 0x010b: the request was not processed by the server; it may be retried.
    public static let requestRejected = HTTP3ErrorCode(rawValue: 0x010b)
    /// 0x010c: the request or its response is no longer needed.
    public static let requestCancelled = HTTP3ErrorCode(rawValue: 0x010c)
    /// 0x010d: the stream ended before the request was complete.
    public static let requestIncomplete = HTTP3ErrorCode(rawValue: 0x010d)
    /// 0x010e: a malformed HTTP message (RFC 9114 §4.1.2).
    public static let messageError = HTTP3ErrorCode(rawValue: 0x010e)
    /// 0x010f: the CONNECT tunnel was reset or closed abnormally.
    public static let connectError = HTTP3ErrorCode(rawValue: 0x010f)
    /// 0x0110: the request cannot be served over HTTP/3; retry over HTTP/1.1.
    public static let versionFallback = HTTP3ErrorCode(rawValue: 0x0110)
    /// 0x0200: a field section could not be decoded (RFC 9204 §6).
    public static let qpackDecompressionFailed = HTTP3ErrorCode(rawValue: 0x0200)
    /// 0x0201: an instruction on the peer's QPACK encoder stream was invalid.
    public static let qpackEncoderStreamError = HTTP3ErrorCode(rawValue: 0x0201)
    /// 0x0202: an instruction on the peer's QPACK decoder stream was invalid.
    public static let qpackDecoderStreamError = HTTP3ErrorCode(rawValue: 0x0202)

    /// Whether `value` is a reserved (greased) code, `0x1f * N + 0x21` (RFC 9114 §8.1).
    @inlinable
    public static func isReserved(_ value: UInt64) -> Bool {
        value >= 0x21 && (value &- 0x21) % 0x1f == 0
    }

    /// The RFC name, e.g. `H3_FRAME_ERROR`, or the hex value for other codes.
    public var description: String {
        switch rawValue {
        case 0x0100: "H3_NO_ERROR"
        case 0x0101: "H3_GENERAL_PROTOCOL_ERROR"
        case 0x0102: "H3_INTERNAL_ERROR"
        case 0x0103: "H3_STREAM_CREATION_ERROR"
        case 0x0104: "H3_CLOSED_CRITICAL_STREAM"
        case 0x0105: "H3_FRAME_UNEXPECTED"
        case 0x0106: "H3_FRAME_ERROR"
        case 0x0107: "H3_EXCESSIVE_LOAD"
        case 0x0108: "H3_ID_ERROR"
        case 0x0109: "H3_SETTINGS_ERROR"
        case 0x010a: "H3_MISSING_SETTINGS"
        case 0x010b: "H3_REQUEST_REJECTED"
        case 0x010c: "H3_REQUEST_CANCELLED"
        case 0x010d: "H3_REQUEST_INCOMPLETE"
        case 0x010e: "H3_MESSAGE_ERROR"
        case 0x010f: "H3_CONNECT_ERROR"
        case 0x0110: "H3_VERSION_FALLBACK"
        case 0x0200: "QPACK_DECOMPRESSION_FAILED"
        case 0x0201: "QPACK_ENCODER_STREAM_ERROR"
        case 0x0202: "QPACK_DECODER_STREAM_ERROR"
        default: "0x" + String(rawValue, radix: 16)
        }
    }
}
