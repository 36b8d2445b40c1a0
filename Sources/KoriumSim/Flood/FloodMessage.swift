/// The flooding-broadcast message: who originated it, its sequence number, when it was
/// originated, how many hops it has travelled, and the payload.
///
/// Encoding (big-endian, the KoriumWire codec's conventions): origin u32, sequence u32,
/// originated-at u64 (virtual ns), hops u8, payload as a varint-length-prefixed byte string.
public struct FloodMessage: SimMessage, Sendable, Equatable {
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

    /// 17 fixed bytes + the QUIC-style varint length prefix + the payload.
    @inlinable
    public var wireSize: Int {
        let n = payload.count
        let prefix = n < 64 ? 1 : (n < 16_384 ? 2 : (n < 1 << 30 ? 4 : 8))
        return 17 + prefix + n
    }
}
