import KoriumWire

/// ECN counts in an ACK frame of type 0x03 (RFC 9000 §19.3.2).
public struct ECNCounts: Sendable, Hashable {
    /// Packets received with the ECT(0) codepoint.
    public var ect0: UInt64
    /// Packets received with the ECT(1) codepoint.
    public var ect1: UInt64
    /// Packets received with the ECN-CE codepoint.
    public var ce: UInt64

    /// Creates counts.
    @inlinable
    public init(ect0: UInt64, ect1: UInt64, ce: UInt64) {
        self.ect0 = ect0
        self.ect1 = ect1
        self.ce = ce
    }
}

/// A parsed ACK frame (RFC 9000 §19.3). The additional ranges stay in the packet as borrowed,
/// already validated bytes; ``ranges`` walks them without allocating. Valid only while the
/// packet buffer is.
public struct AckFrame {
    /// Largest Acknowledged.
    public let largestAcknowledged: UInt64
    /// ACK Delay as sent, not yet scaled by the peer's `ack_delay_exponent` (RFC 9000 §19.3).
    public let encodedAckDelay: UInt64
    /// The number of packets acknowledged below ``largestAcknowledged`` by the first range.
    public let firstRange: UInt64
    /// The ACK Range Count.
    public let additionalRangeCount: Int
    /// The encoded (Gap, ACK Range Length) pairs, validated.
    public let rangeBytes: UnsafeRawBufferPointer
    /// ECN counts, for frame type 0x03.
    public let ecn: ECNCounts?

    /// The smallest packet number acknowledged by the whole frame.
    public let smallestAcknowledged: UInt64

    /// The acknowledged ranges, from the highest down (RFC 9000 §19.3.1).
    @inlinable
    public var ranges: AckRangeSequence {
        AckRangeSequence(first: (largestAcknowledged - firstRange)...largestAcknowledged,
                         count: additionalRangeCount, bytes: rangeBytes)
    }

    /// The ACK delay in microseconds for a peer `ack_delay_exponent` (RFC 9000 §18.2), saturating.
    @inlinable
    public func ackDelayMicroseconds(exponent: UInt64) -> UInt64 {
        let shift = Swift.min(exponent, 63)
        guard encodedAckDelay <= UInt64.max >> shift else { return UInt64.max }
        return encodedAckDelay << shift
    }

    /// Parses the fields after the frame type (`type` is 0x02 or 0x03). RFC 9000 §19.3.1: a
    /// range that would go below packet number 0 is a FRAME_ENCODING_ERROR.
    static func parse(type: UInt64, from reader: inout ByteReader) throws(TransportError) -> AckFrame {
        func field(_ r: inout ByteReader) throws(TransportError) -> UInt64 {
            do { return try r.readVarInt().value } catch { throw .frameEncoding(type, "ACK frame truncated") }
        }
        let largest = try field(&reader)
        let delay = try field(&reader)
        let count = try field(&reader)
        let first = try field(&reader)
        guard first <= largest else { throw .frameEncoding(type, "ACK first range below packet 0") }
        // Each additional range takes at least two bytes, so the count is bounded by the packet.
        guard count <= UInt64(reader.remaining / 2) else { throw .frameEncoding(type, "ACK range count exceeds frame") }
        let start = reader.offset
        var smallest = largest - first
        for _ in 0..<count {
            let gap = try field(&reader)
            let length = try field(&reader)
            // RFC 9000 §19.3.1: largest = previous smallest − gap − 2; smallest = largest − length.
            guard smallest >= 2, gap <= smallest - 2 else { throw .frameEncoding(type, "ACK gap below packet 0") }
            let rangeLargest = smallest - gap - 2
            guard length <= rangeLargest else { throw .frameEncoding(type, "ACK range below packet 0") }
            smallest = rangeLargest - length
        }
        let rangeBytes = UnsafeRawBufferPointer(rebasing: reader.allBytes[start..<reader.offset])
        var ecn: ECNCounts? = nil
        if type == FrameType.ackECN {
            ecn = ECNCounts(ect0: try field(&reader), ect1: try field(&reader), ce: try field(&reader))
        }
        return AckFrame(
            largestAcknowledged: largest, encodedAckDelay: delay, firstRange: first,
            additionalRangeCount: Int(count), rangeBytes: rangeBytes, ecn: ecn, smallestAcknowledged: smallest)
    }

    /// Writes an ACK frame for `ranges`, which must be disjoint, non-adjacent and in
    /// descending order (as ``AckRangeSequence`` and the receive tracker produce them).
    public static func write(
        ranges: some Sequence<ClosedRange<UInt64>>, encodedAckDelay: UInt64, ecn: ECNCounts? = nil,
        to writer: inout ByteWriter
    ) throws(WireError) {
        var iterator = ranges.makeIterator()
        guard let first = iterator.next() else { preconditionFailure("an ACK frame needs at least one range") }
        var rest = iterator
        var extra = 0
        while rest.next() != nil { extra += 1 }
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeVarInt(VarInt(ecn == nil ? FrameType.ack : FrameType.ackECN))
            try w.writeVarInt(VarInt(first.upperBound))
            try w.writeVarInt(VarInt(encodedAckDelay))
            try w.writeVarInt(VarInt(UInt64(extra)))
            try w.writeVarInt(VarInt(first.upperBound - first.lowerBound))
            var previousSmallest = first.lowerBound
            var again = ranges.makeIterator()
            _ = again.next()
            while let range = again.next() {
                precondition(range.upperBound + 2 <= previousSmallest, "ACK ranges must descend with gaps")
                try w.writeVarInt(VarInt(previousSmallest - range.upperBound - 2))
                try w.writeVarInt(VarInt(range.upperBound - range.lowerBound))
                previousSmallest = range.lowerBound
            }
            if let ecn {
                try w.writeVarInt(VarInt(ecn.ect0))
                try w.writeVarInt(VarInt(ecn.ect1))
                try w.writeVarInt(VarInt(ecn.ce))
            }
        }
    }
}

/// The ranges of a parsed ACK frame, highest first, decoded lazily from validated bytes.
public struct AckRangeSequence: Sequence {
    @usableFromInline let first: ClosedRange<UInt64>
    @usableFromInline let count: Int
    @usableFromInline let bytes: UnsafeRawBufferPointer

    @inlinable
    init(first: ClosedRange<UInt64>, count: Int, bytes: UnsafeRawBufferPointer) {
        self.first = first
        self.count = count
        self.bytes = bytes
    }

    /// Iterates the ranges.
    public struct Iterator: IteratorProtocol {
        @usableFromInline var reader: ByteReader
        @usableFromInline var remaining: Int
        @usableFromInline var pending: ClosedRange<UInt64>?
        @usableFromInline var smallest: UInt64

        /// The next lower range.
        @inlinable
        public mutating func next() -> ClosedRange<UInt64>? {
            if let first = pending {
                pending = nil
                return first
            }
            guard remaining > 0 else { return nil }
            remaining -= 1
            // Validated at parse time: these reads and subtractions cannot fail.
            guard let gap = try? reader.readVarInt().value, let length = try? reader.readVarInt().value,
                  smallest >= gap + 2, smallest - gap - 2 >= length
            else { remaining = 0; return nil }
            let largest = smallest - gap - 2
            smallest = largest - length
            return smallest...largest
        }
    }

    /// An iterator from the highest range down.
    public func makeIterator() -> Iterator {
        Iterator(reader: ByteReader(bytes), remaining: count, pending: first, smallest: first.lowerBound)
    }
}
