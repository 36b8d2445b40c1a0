import KoriumWire

/// Encodes field sections (RFC 9204 §4.5) without a dynamic table: every field is an Indexed
/// Field Line into the static table when name and value match an entry, a Literal Field Line
/// with a static Name Reference when only the name does, and a Literal Field Line with Literal
/// Name otherwise. Each string is Huffman-coded when that is strictly shorter (§4.1.2).
///
/// With no dynamic references the Required Insert Count and the Base are both 0, so the
/// prefix is the two bytes `00 00`, and the peer's decoder never blocks (§2.1.2).
public enum QPACKEncoder {
    /// Appends the encoded field section for `fields` to `writer`.
    public static func encodeFieldSection(_ fields: [HTTPField], into writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (writer: inout ByteWriter) throws(WireError) in
            // §4.5.1: Required Insert Count 0 (8-bit prefix), Sign 0 and Delta Base 0 (7-bit prefix).
            try writer.writeUInt8(0)
            try writer.writeUInt8(0)
            for field in fields {
                switch QPACKStaticTable.match(field) {
                case .field(let index):
                    // §4.5.2 Indexed Field Line: 1, T = 1 (static), 6-bit index.
                    try PrefixInteger.encode(UInt64(index), prefixBits: 6, flags: 0xc0, into: &writer)
                case .name(let index):
                    // §4.5.4 Literal Field Line with Name Reference: 01, N = 0, T = 1, 4-bit index.
                    try PrefixInteger.encode(UInt64(index), prefixBits: 4, flags: 0x50, into: &writer)
                    try encodeString(field.value, prefixBits: 7, flags: 0, into: &writer)
                case nil:
                    // §4.5.6 Literal Field Line with Literal Name: 001, N = 0, H, 3-bit name length.
                    try encodeString(field.name, prefixBits: 3, flags: 0x20, into: &writer)
                    try encodeString(field.value, prefixBits: 7, flags: 0, into: &writer)
                }
            }
        }
    }

    /// The encoded field section for `fields` as a new array.
    public static func encodeFieldSection(_ fields: [HTTPField]) -> [UInt8] {
        var writer = ByteWriter(capacity: 64)
        // A growable writer never runs out of room.
        try? encodeFieldSection(fields, into: &writer)
        return writer.bytes
    }

    /// Writes a string literal (§4.1.2): the H flag sits just above the `prefixBits`-bit length.
    static func encodeString(
        _ bytes: [UInt8], prefixBits: Int, flags: UInt8, into writer: inout ByteWriter
    ) throws(WireError) {
        let huffmanCount = Huffman.encodedByteCount(of: bytes)
        if huffmanCount < bytes.count {
            try PrefixInteger.encode(UInt64(huffmanCount), prefixBits: prefixBits, flags: flags | 1 << UInt8(prefixBits), into: &writer)
            try Huffman.encode(bytes, into: &writer)
        } else {
            try PrefixInteger.encode(UInt64(bytes.count), prefixBits: prefixBits, flags: flags, into: &writer)
            try writer.writeBytes(bytes)
        }
    }
}
