import KoriumWire

/// Decodes field sections (RFC 9204 §4.5) for an endpoint that advertises a dynamic table
/// capacity of 0 (SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0, SETTINGS_QPACK_BLOCKED_STREAMS = 0).
///
/// Total over arbitrary bytes: a non-zero Required Insert Count, a negative Base, any reference
/// to the dynamic table, an out-of-range static index, an overlong integer, a bad Huffman
/// string or a truncated representation is a ``QPACKError`` (QPACK_DECOMPRESSION_FAILED), and
/// the decoded section is capped at `maxSize` (name + value + 32 per field, RFC 9114 §4.2.2).
public enum QPACKDecoder {
    /// Decodes a whole encoded field section.
    public static func decodeFieldSection(_ bytes: UnsafeRawBufferPointer, maxSize: Int) throws(QPACKError) -> [HTTPField] {
        var reader = ByteReader(bytes)
        // §4.5.1.1: with MaxEntries = 0 any Encoded Required Insert Count other than 0 could not
        // have been produced by a conformant encoder.
        guard try PrefixInteger.decode(from: &reader, prefixBits: 8) == 0 else { throw .nonZeroRequiredInsertCount }
        guard let signByte = try? reader.peekUInt8() else { throw .truncated }
        let deltaBase = try PrefixInteger.decode(from: &reader, prefixBits: 7)
        // §4.5.1.2: Sign 1 requires Required Insert Count > Delta Base, impossible with a count of 0.
        if signByte & 0x80 != 0 { throw .negativeBase }
        _ = deltaBase  // any Base is valid for a section without dynamic references

        var fields: [HTTPField] = []
        var size = 0
        while !reader.isAtEnd {
            let first = try peek(reader)
            let field: HTTPField
            if first & 0x80 != 0 {
                // §4.5.2 Indexed Field Line: 1 T index(6).
                let index = try PrefixInteger.decode(from: &reader, prefixBits: 6)
                guard first & 0x40 != 0 else { throw .dynamicTableReference }
                guard let entry = QPACKStaticTable.field(at: index) else { throw .staticIndexOutOfRange }
                field = entry
            } else if first & 0x40 != 0 {
                // §4.5.4 Literal Field Line with Name Reference: 01 N T index(4), value.
                let index = try PrefixInteger.decode(from: &reader, prefixBits: 4)
                guard first & 0x10 != 0 else { throw .dynamicTableReference }
                guard let entry = QPACKStaticTable.field(at: index) else { throw .staticIndexOutOfRange }
                field = HTTPField(name: entry.name, value: try readString(&reader, prefixBits: 7))
            } else if first & 0x20 != 0 {
                // §4.5.6 Literal Field Line with Literal Name: 001 N H length(3) name, value.
                let name = try readString(&reader, prefixBits: 3)
                field = HTTPField(name: name, value: try readString(&reader, prefixBits: 7))
            } else {
                // §4.5.3 Indexed Field Line with Post-Base Index (0001) and §4.5.5 Literal Field
                // Line with Post-Base Name Reference (0000): both name dynamic entries.
                throw .dynamicTableReference
            }
            size = size &+ field.size
            guard size <= maxSize else { throw .fieldSectionTooLarge }
            fields.append(field)
        }
        return fields
    }

    /// Decodes a whole encoded field section held in an array.
    public static func decodeFieldSection(_ bytes: [UInt8], maxSize: Int) throws(QPACKError) -> [HTTPField] {
        let result: Result<[HTTPField], QPACKError> = bytes.withUnsafeBytes { raw in
            do throws(QPACKError) { return .success(try decodeFieldSection(raw, maxSize: maxSize)) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    static func peek(_ reader: ByteReader) throws(QPACKError) -> UInt8 {
        guard let byte = try? reader.peekUInt8() else { throw .truncated }
        return byte
    }

    /// Reads a string literal (§4.1.2): H flag just above a `prefixBits`-bit length, then the
    /// octets, Huffman-coded when H is set.
    static func readString(_ reader: inout ByteReader, prefixBits: Int) throws(QPACKError) -> [UInt8] {
        let first = try peek(reader)
        let isHuffman = first & UInt8(1 << prefixBits) != 0
        let length = try PrefixInteger.decode(from: &reader, prefixBits: prefixBits)
        guard length <= UInt64(reader.remaining), let bytes = try? reader.readBytes(Int(length)) else { throw .truncated }
        guard isHuffman else { return [UInt8](bytes) }
        var output: [UInt8] = []
        do throws(HuffmanDecodingError) { try Huffman.decode(bytes, into: &output) } catch { throw .huffman(error) }
        return output
    }
}
