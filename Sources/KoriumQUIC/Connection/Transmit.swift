/// One datagram produced by ``Connection/pollTransmit(into:now:)``: `count` bytes at the start
/// of the caller's buffer, to be sent to `destination`.
public struct Transmit: Sendable, Hashable {
    /// Where to send the bytes.
    public var destination: PathAddress
    /// How many bytes of the caller's buffer were written.
    public var count: Int
    /// When set, the bytes are several datagrams of this size for UDP GSO (the last may be
    /// shorter); nil for a single datagram.
    public var segmentSize: Int?

    /// Describes a transmit.
    @inlinable
    public init(destination: PathAddress, count: Int, segmentSize: Int? = nil) {
        self.destination = destination
        self.count = count
        self.segmentSize = segmentSize
    }
}
