import KoriumWire

/// The flooding-broadcast message: who originated it, its sequence number, when it was
/// originated, how many hops it has travelled, and the payload.
///
/// Encoding (KoriumWire codec): origin u32, sequence u32, originated-at u64 (virtual ns),
/// hops u8, payload as a canonical-varint-length-prefixed byte string (≤ `maxPayload`).
/// The simulator never encodes it; `wireSize` is that encoding's length, computed arithmetically
/// (a test checks it against `wireBytes()`).
public struct FloodMessage: SimMessage, WireEncodable, Sendable, Equatable {
    /// The originating node.
    public var origin: SimNodeID
    /// The origin's broadcast counter.
    public var sequence: UInt32
    /// When the origin sent it (to measure delivery time).
    public var originatedAt: SimInstant
    /// Hops travelled so far (saturating at 255).
    public var hops: UInt8
    /// The application payload (shared, not copied, between forwarded copies).
    public var payload: [UInt8]

    /// The largest payload a flood message may carry.
    public static let maxPayload = 65_536

    /// A message.
    public init(origin: SimNodeID, sequence: UInt32, originatedAt: SimInstant, hops: UInt8, payload: [UInt8]) {
        self.origin = origin
        self.sequence = sequence
        self.originatedAt = originatedAt
        self.hops = hops
        self.payload = payload
    }

    /// The broadcast's identity (origin, sequence) as one key.
    @inlinable
    public var key: UInt64 { UInt64(origin.rawValue) << 32 | UInt64(sequence) }

    /// 17 fixed bytes + the varint length prefix + the payload.
    @inlinable
    public var wireSize: Int {
        let n = payload.count
        return 17 + ((try? VarInt(n))?.encodedLength ?? 8) + n
    }

    /// Writes the encoding described above.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        guard payload.count <= Self.maxPayload else {
            throw .lengthExceedsLimit(length: payload.count, limit: Self.maxPayload)
        }
        try writer.writeUInt32(origin.rawValue)
        try writer.writeUInt32(sequence)
        try writer.writeUInt64(UInt64(bitPattern: originatedAt.nanoseconds))
        try writer.writeUInt8(hops)
        try writer.writeLengthPrefixedBytes(payload)
    }
}
