/// HTTP/3 frame types (RFC 9114 §7.2, §11.2.1).
public enum HTTP3FrameType {
    /// 0x00 DATA: request or response content.
    public static let data: UInt64 = 0x00
    /// 0x01 HEADERS: a QPACK-encoded field section.
    public static let headers: UInt64 = 0x01
    /// 0x03 CANCEL_PUSH: cancels a server push (control stream).
    public static let cancelPush: UInt64 = 0x03
    /// 0x04 SETTINGS: connection parameters, first frame of each control stream.
    public static let settings: UInt64 = 0x04
    /// 0x05 PUSH_PROMISE: a promised request (server to client, request streams).
    public static let pushPromise: UInt64 = 0x05
    /// 0x07 GOAWAY: graceful shutdown (control stream).
    public static let goAway: UInt64 = 0x07
    /// 0x0d MAX_PUSH_ID: the client's push limit (control stream).
    public static let maxPushID: UInt64 = 0x0d

    /// Whether `type` is one of the HTTP/2 frame types with no HTTP/3 counterpart (PRIORITY,
    /// PING, WINDOW_UPDATE, CONTINUATION), whose receipt RFC 9114 §7.2.8 makes a connection
    /// error of type H3_FRAME_UNEXPECTED.
    @inlinable
    public static func isReservedHTTP2(_ type: UInt64) -> Bool {
        type == 0x02 || type == 0x06 || type == 0x08 || type == 0x09
    }

    /// Whether `type` is a reserved greasing type `0x1f * N + 0x21` (RFC 9114 §7.2.8), to be ignored.
    @inlinable
    public static func isGrease(_ type: UInt64) -> Bool {
        type >= 0x21 && (type &- 0x21) % 0x1f == 0
    }
}

/// Unidirectional stream types (RFC 9114 §6.2, RFC 9204 §4.2): the varint at the start of
/// every unidirectional stream.
public enum HTTP3StreamType {
    /// 0x00: the control stream.
    public static let control: UInt64 = 0x00
    /// 0x01: a push stream.
    public static let push: UInt64 = 0x01
    /// 0x02: the QPACK encoder stream.
    public static let qpackEncoder: UInt64 = 0x02
    /// 0x03: the QPACK decoder stream.
    public static let qpackDecoder: UInt64 = 0x03

    /// Whether `type` is a reserved greasing type `0x1f * N + 0x21` (RFC 9114 §6.2.3).
    @inlinable
    public static func isGrease(_ type: UInt64) -> Bool { HTTP3FrameType.isGrease(type) }
}
