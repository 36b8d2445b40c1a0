import KoriumWire

/// A peer's identity: its 32-byte Ed25519 public key, held inline as four words (no heap
/// allocation, cheap hashing).
@frozen
public struct GossipPeerID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Bytes 0..<8, big-endian.
    public var w0: UInt64
    /// Bytes 8..<16.
    public var w1: UInt64
    /// Bytes 16..<24.
    public var w2: UInt64
    /// Bytes 24..<32.
    public var w3: UInt64

    /// The ID with the given words.
    @inlinable
    public init(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// The ID of exactly 32 bytes; nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var w: [UInt64] = [0, 0, 0, 0]
        for (i, b) in bytes.enumerated() { w[i >> 3] |= UInt64(b) << UInt64(56 - 8 * (i & 7)) }
        self.init(w[0], w[1], w[2], w[3])
    }

    /// The 32 bytes.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        for (k, word) in [w0, w1, w2, w3].enumerated() {
            for j in 0..<8 { out[k * 8 + j] = UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * j)) }
        }
        return out
    }

    @inlinable
    public static func < (a: GossipPeerID, b: GossipPeerID) -> Bool {
        (a.w0, a.w1, a.w2, a.w3) < (b.w0, b.w1, b.w2, b.w3)
    }

    /// The first 8 hex digits.
    public var description: String {
        let s = String(w0 >> 32, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }
}

extension GossipPeerID: WireEncodable, WireDecodable {
    /// 32 raw bytes.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.writeUInt64(w0); try writer.writeUInt64(w1)
        try writer.writeUInt64(w2); try writer.writeUInt64(w3)
    }

    /// 32 raw bytes.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            GossipPeerID(try r.readUInt64(), try r.readUInt64(), try r.readUInt64(), try r.readUInt64())
        }
    }
}

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
