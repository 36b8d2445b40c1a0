/// A QUIC transport error code (RFC 9000 §20.1), carried in CONNECTION_CLOSE frames of type
/// 0x1c. This is the project's one table of codes: every error that closes a connection
/// names one of these constants.
///
/// Codes 0x0100–0x01ff are CRYPTO_ERROR: the TLS alert is in the low byte (RFC 9001 §4.8),
/// see ``crypto(alert:)``. Unknown codes from a peer are kept as they are.
public struct TransportErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 62-bit code as sent on the wire.
    public let rawValue: UInt64

    /// Wraps a code received from a peer or defined by an extension.
    @inlinable
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// 0x00: the connection is being closed abruptly in the absence of any error.
    public static let noError = TransportErrorCode(rawValue: 0x00)
    /// 0x01: the endpoint encountered an internal error and cannot continue.
    public static let internalError = TransportErrorCode(rawValue: 0x01)
    /// 0x02: the server refuses to accept a new connection.
    public static let connectionRefused = TransportErrorCode(rawValue: 0x02)
    /// 0x03: more data was received than permitted in advertised data limits (§4).
    public static let flowControlError = TransportErrorCode(rawValue: 0x03)
    /// 0x04: a frame opened a stream beyond the advertised stream limit (§4.6).
    public static let streamLimitError = TransportErrorCode(rawValue: 0x04)
    /// 0x05: a frame was received for a stream not in a state that permits it (§3).
    public static let streamStateError = TransportErrorCode(rawValue: 0x05)
    /// 0x06: a STREAM, RESET_STREAM or CRYPTO frame changed an already known final size (§4.5).
    public static let finalSizeError = TransportErrorCode(rawValue: 0x06)
    /// 0x07: a frame was badly formatted (unknown type, bad lengths, ...).
    public static let frameEncodingError = TransportErrorCode(rawValue: 0x07)
    /// 0x08: transport parameters were malformed, invalid or missing (§7.4).
    public static let transportParameterError = TransportErrorCode(rawValue: 0x08)
    /// 0x09: the peer supplied more connection IDs than `active_connection_id_limit`.
    public static let connectionIDLimitError = TransportErrorCode(rawValue: 0x09)
    /// 0x0a: a protocol compliance error not covered by a more specific code.
    public static let protocolViolation = TransportErrorCode(rawValue: 0x0a)
    /// 0x0b: a server received a client Initial with an invalid Token field.
    public static let invalidToken = TransportErrorCode(rawValue: 0x0b)
    /// 0x0c: the application or application protocol caused the connection to be closed.
    public static let applicationError = TransportErrorCode(rawValue: 0x0c)
    /// 0x0d: more data was received in CRYPTO frames than can be buffered.
    public static let cryptoBufferExceeded = TransportErrorCode(rawValue: 0x0d)
    /// 0x0e: a key update error (RFC 9001 §6).
    public static let keyUpdateError = TransportErrorCode(rawValue: 0x0e)
    /// 0x0f: the confidentiality or integrity limit of the AEAD was reached (RFC 9001 §6.6).
    public static let aeadLimitReached = TransportErrorCode(rawValue: 0x0f)
    /// 0x10: no viable network path exists (§10.2.2 / §9).
    public static let noViablePath = TransportErrorCode(rawValue: 0x10)

    /// The first CRYPTO_ERROR code, 0x0100 (RFC 9000 §20.1).
    public static let cryptoErrorBase: UInt64 = 0x0100

    /// CRYPTO_ERROR carrying a TLS alert description: `0x0100 | alert` (RFC 9001 §4.8).
    @inlinable
    public static func crypto(alert: UInt8) -> TransportErrorCode {
        TransportErrorCode(rawValue: cryptoErrorBase | UInt64(alert))
    }

    /// The TLS alert inside a CRYPTO_ERROR code, or nil for any other code.
    @inlinable
    public var tlsAlert: UInt8? {
        rawValue & ~0xff == Self.cryptoErrorBase ? UInt8(truncatingIfNeeded: rawValue) : nil
    }

    /// The RFC 9000 §20.1 name, e.g. `FLOW_CONTROL_ERROR`, `CRYPTO_ERROR(0x12a)`, or the number.
    public var description: String {
        switch rawValue {
        case 0x00: return "NO_ERROR"
        case 0x01: return "INTERNAL_ERROR"
        case 0x02: return "CONNECTION_REFUSED"
        case 0x03: return "FLOW_CONTROL_ERROR"
        case 0x04: return "STREAM_LIMIT_ERROR"
        case 0x05: return "STREAM_STATE_ERROR"
        case 0x06: return "FINAL_SIZE_ERROR"
        case 0x07: return "FRAME_ENCODING_ERROR"
        case 0x08: return "TRANSPORT_PARAMETER_ERROR"
        case 0x09: return "CONNECTION_ID_LIMIT_ERROR"
        case 0x0a: return "PROTOCOL_VIOLATION"
        case 0x0b: return "INVALID_TOKEN"
        case 0x0c: return "APPLICATION_ERROR"
        case 0x0d: return "CRYPTO_BUFFER_EXCEEDED"
        case 0x0e: return "KEY_UPDATE_ERROR"
        case 0x0f: return "AEAD_LIMIT_REACHED"
        case 0x10: return "NO_VIABLE_PATH"
        case 0x100...0x1ff: return "CRYPTO_ERROR(0x\(String(rawValue, radix: 16)))"
        default: return "0x\(String(rawValue, radix: 16))"
        }
    }
}
