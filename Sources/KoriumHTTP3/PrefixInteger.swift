import KoriumWire

/// The N-bit prefix integer of RFC 7541 §5.1, used by every QPACK representation
/// (RFC 9204 §4.1.1): the value fills the low N bits of the first byte if it fits below
/// 2^N − 1, otherwise those bits are all ones and the rest follows 7 bits per byte, least
/// significant group first, with the high bit of each byte meaning "more".
public enum PrefixInteger {
    /// The largest value accepted: QPACK integers stand for lengths, indices and stream IDs,
    /// none of which can exceed 2^62−1, and the cap keeps the arithmetic free of overflow.
    public static let maxValue: UInt64 = (1 << 62) - 1

    /// Writes `value` with an `prefixBits`-bit prefix (1...8); `flags` supplies the bits of the
    /// first byte above the prefix.
    public static func encode(
        _ value: UInt64, prefixBits: Int, flags: UInt8 = 0, into writer: inout ByteWriter
    ) throws(WireError) {
        precondition((1...8).contains(prefixBits), "prefix of 1...8 bits")
        let mask = UInt64(1) << UInt64(prefixBits) - 1
        if value < mask {
            try writer.writeUInt8(flags | UInt8(truncatingIfNeeded: value))
            return
        }
        try writer.atomically { (writer: inout ByteWriter) throws(WireError) in
            try writer.writeUInt8(flags | UInt8(truncatingIfNeeded: mask))
            var rest = value - mask
            while rest >= 0x80 {
                try writer.writeUInt8(UInt8(truncatingIfNeeded: rest) | 0x80)
                rest >>= 7
            }
            try writer.writeUInt8(UInt8(truncatingIfNeeded: rest))
        }
    }

    /// The number of bytes `value` takes with a `prefixBits`-bit prefix.
    public static func encodedLength(of value: UInt64, prefixBits: Int) -> Int {
        let mask = UInt64(1) << UInt64(prefixBits) - 1
        guard value >= mask else { return 1 }
        var rest = value - mask, count = 2
        while rest >= 0x80 {
            rest >>= 7
            count += 1
        }
        return count
    }

    /// Reads an integer with a `prefixBits`-bit prefix (1...8), ignoring the first byte's bits
    /// above the prefix (the caller reads them with `peekUInt8`). Total: a value above
    /// ``maxValue`` (or more than 10 bytes) is `.integerOverflow`, a short input `.truncated`;
    /// on error nothing is consumed.
    public static func decode(from reader: inout ByteReader, prefixBits: Int) throws(QPACKError) -> UInt64 {
        precondition((1...8).contains(prefixBits), "prefix of 1...8 bits")
        var cursor = reader
        let mask = UInt64(1) << UInt64(prefixBits) - 1
        guard let first = try? cursor.readUInt8() else { throw .truncated }
        var value = UInt64(first) & mask
        if value == mask {
            var shift: UInt64 = 0
            while true {
                guard let byte = try? cursor.readUInt8() else { throw .truncated }
                // After 9 continuation bytes (63 bits) nothing valid can follow.
                guard shift <= 56 else { throw .integerOverflow }
                let chunk = UInt64(byte & 0x7f) << shift
                guard chunk >> shift == UInt64(byte & 0x7f) else { throw .integerOverflow }
                value = value &+ chunk
                guard value <= maxValue else { throw .integerOverflow }
                if byte & 0x80 == 0 { break }
                shift += 7
            }
        }
        reader = cursor
        return value
    }
}
