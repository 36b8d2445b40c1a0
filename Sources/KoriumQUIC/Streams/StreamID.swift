/// A QUIC stream ID (RFC 9000 §2.1): the two low bits give the initiator (bit 0: 0 client,
/// 1 server) and the direction (bit 1: 0 bidirectional, 1 unidirectional); the rest is the
/// stream's index among streams of its type.
public struct StreamID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 62-bit identifier.
    public let rawValue: UInt64

    /// Wraps an identifier received in a frame.
    @inlinable
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The `index`-th stream opened by `initiator` in the given direction.
    @inlinable
    public init(index: UInt64, initiator: Role, isBidirectional: Bool) {
        rawValue = index << 2 | (initiator == .server ? 1 : 0) | (isBidirectional ? 0 : 2)
    }

    /// Who opened the stream.
    @inlinable
    public var initiator: Role { rawValue & 1 == 0 ? .client : .server }

    /// Whether data flows both ways.
    @inlinable
    public var isBidirectional: Bool { rawValue & 2 == 0 }

    /// The index among streams of the same initiator and direction.
    @inlinable
    public var index: UInt64 { rawValue >> 2 }

    /// Whether `role` may send on this stream (not on a peer's unidirectional stream).
    @inlinable
    public func canSend(_ role: Role) -> Bool { isBidirectional || initiator == role }

    /// Whether `role` may receive on this stream (not on its own unidirectional stream).
    @inlinable
    public func canReceive(_ role: Role) -> Bool { isBidirectional || initiator != role }

    /// Orders by raw value.
    @inlinable
    public static func < (lhs: StreamID, rhs: StreamID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// E.g. `4 (client bidi #1)`.
    public var description: String {
        "\(rawValue) (\(initiator == .client ? "client" : "server") \(isBidirectional ? "bidi" : "uni") #\(index))"
    }
}
