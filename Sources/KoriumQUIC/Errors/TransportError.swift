import KoriumWire

/// A connection error detected by the transport: the code to send in CONNECTION_CLOSE
/// (type 0x1c), the type of the frame that caused it (0 when none, RFC 9000 §19.19) and a
/// short static reason for logs and the Reason Phrase.
///
/// Parsers below the connection throw `WireError`; the frame and transport-parameter layers
/// map those to a `TransportError` with the code the RFC requires, so the connection only
/// has to send what it was handed.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The RFC 9000 §20.1 code.
    public let code: TransportErrorCode
    /// The frame type that triggered the error, or 0 when it was not caused by a frame.
    public let frameType: UInt64
    /// Why, in a few words; static so creating an error never allocates.
    public let reason: StaticString

    /// Creates an error with `code`, optionally naming the offending frame type.
    @inlinable
    public init(_ code: TransportErrorCode, frameType: UInt64 = 0, _ reason: StaticString) {
        self.code = code
        self.frameType = frameType
        self.reason = reason
    }

    /// Equality ignores nothing: two errors are equal when code, frame type and reason text agree.
    public static func == (lhs: TransportError, rhs: TransportError) -> Bool {
        lhs.code == rhs.code && lhs.frameType == rhs.frameType && lhs.reason.description == rhs.reason.description
    }

    /// Hashes code, frame type and reason text.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(frameType)
        hasher.combine(reason.description)
    }

    /// E.g. `FRAME_ENCODING_ERROR (frame 0x2): ACK range underflows`.
    public var description: String {
        frameType == 0 ? "\(code): \(reason)" : "\(code) (frame 0x\(String(frameType, radix: 16))): \(reason)"
    }

    /// FRAME_ENCODING_ERROR for a frame of `frameType` that did not parse.
    @inlinable
    public static func frameEncoding(_ frameType: UInt64, _ reason: StaticString) -> TransportError {
        TransportError(.frameEncodingError, frameType: frameType, reason)
    }

    /// PROTOCOL_VIOLATION, optionally naming a frame type.
    @inlinable
    public static func protocolViolation(frameType: UInt64 = 0, _ reason: StaticString) -> TransportError {
        TransportError(.protocolViolation, frameType: frameType, reason)
    }

    /// TRANSPORT_PARAMETER_ERROR (RFC 9000 §7.4, §18.2).
    @inlinable
    public static func transportParameter(_ reason: StaticString) -> TransportError {
        TransportError(.transportParameterError, reason)
    }

    /// CRYPTO_ERROR for a TLS alert (RFC 9001 §4.8: `0x0100 | alert`).
    @inlinable
    public static func crypto(alert: UInt8, _ reason: StaticString) -> TransportError {
        TransportError(.crypto(alert: alert), frameType: 0x06, reason)
    }
}
