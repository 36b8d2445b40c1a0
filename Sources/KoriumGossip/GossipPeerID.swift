import KoriumWire

/// A peer's identity: its 32-byte Ed25519 public key, held inline as four words (no heap
/// allocation, cheap hashing). The same value type as the DHT's node IDs, from KoriumWire.
public typealias GossipPeerID = Bytes32

/// A message ID: the publisher's key and its sequence number (the libp2p default
/// `from ‖ seqno`), 40 bytes on the wire, unique per signed message under the replay window.
@frozen
public struct GossipMessageID: Hashable, Sendable, CustomStringConvertible {
    /// The publisher.
    public var source: GossipPeerID
    /// The publisher's sequence number.
    public var seqno: UInt64

    /// The ID of `source`'s message `seqno`.
    @inlinable
    public init(source: GossipPeerID, seqno: UInt64) { self.source = source; self.seqno = seqno }

    /// Encoded size.
    public static let wireSize = 40

    /// `source/seqno`.
    public var description: String { "\(source)/\(seqno)" }
}

extension GossipMessageID: WireEncodable, WireDecodable {
    /// Source (32 bytes) then seqno (8 bytes, big-endian).
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try source.encode(to: &writer)
        try writer.writeUInt64(seqno)
    }

    /// Source (32 bytes) then seqno (8 bytes, big-endian).
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            GossipMessageID(source: try GossipPeerID(from: &r), seqno: try r.readUInt64())
        }
    }
}
