/// A message a simulated node sends. The simulator never serializes messages (they travel as
/// values), but it charges links for their real encoded size: `wireSize` must equal the length
/// of the message's KoriumWire encoding (`WireEncodable.wireBytes().count`), so bandwidth, MTU
/// and byte counters are those of the real protocol. Cores compute it arithmetically (no
/// allocation per send) and test it against the encoder, as `FloodMessage` does.
public protocol SimMessage {
    /// The number of bytes this message occupies on the wire.
    var wireSize: Int { get }
}

/// Raw datagrams (e.g. QUIC packets in a pair test) travel as bytes; their size is their count.
extension Array: SimMessage where Element == UInt8 {
    /// The datagram length.
    @inlinable
    public var wireSize: Int { count }
}
