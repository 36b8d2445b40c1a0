/// An HTTP/3 error detected by this module: the code to send (in CONNECTION_CLOSE for a
/// connection error, RESET_STREAM / STOP_SENDING for a stream error) and a short static reason.
public struct HTTP3Error: Error, Hashable, Sendable, CustomStringConvertible {
    /// The RFC 9114 §8.1 / RFC 9204 §6 code.
    public let code: HTTP3ErrorCode
    /// Why, in a few words; static so creating an error never allocates.
    public let reason: StaticString

    /// Creates an error with `code` and a reason.
    @inlinable
    public init(_ code: HTTP3ErrorCode, _ reason: StaticString) {
        self.code = code
        self.reason = reason
    }

    /// Two errors are equal when code and reason text agree.
    public static func == (lhs: HTTP3Error, rhs: HTTP3Error) -> Bool {
        lhs.code == rhs.code && lhs.reason.description == rhs.reason.description
    }

    /// Hashes code and reason text.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(reason.description)
    }

    /// E.g. `H3_FRAME_ERROR: truncated frame at end of stream`.
    public var description: String { "\(code): \(reason)" }
}
