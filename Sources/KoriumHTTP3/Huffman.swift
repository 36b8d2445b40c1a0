import KoriumWire

/// The HPACK Huffman code (RFC 7541 §5.2, Appendix B) for string literals in QPACK field
/// sections: encoder, encoded-size computation and a table-driven decoder.
///
/// The decoder walks the code tree four bits at a time through a precomputed transition table
/// (256 tree nodes × 16 nibbles), so decoding costs two table loads per input byte and never
/// allocates beyond the caller's output array. It is total: EOS inside the string, padding
/// longer than 7 bits and padding that is not all ones are typed errors.
public enum Huffman {
    /// The number of bytes `bytes` takes once Huffman-coded (padding included).
    public static func encodedByteCount(of bytes: UnsafeRawBufferPointer) -> Int {
        var bits = 0
        for byte in bytes { bits &+= Int(HuffmanTable.lengths[Int(byte)]) }
        return (bits &+ 7) >> 3
    }

    /// The number of bytes `bytes` takes once Huffman-coded.
    public static func encodedByteCount(of bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { encodedByteCount(of: $0) }
    }

    /// Appends the Huffman coding of `bytes` to `writer`, padded to a whole byte with the most
    /// significant bits of EOS (ones), as RFC 7541 §5.2 requires.
    public static func encode(_ bytes: UnsafeRawBufferPointer, into writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (writer: inout ByteWriter) throws(WireError) in
            var accumulator: UInt64 = 0
            var pending = 0  // bits held in the low end of `accumulator`, always < 8 between symbols
            for byte in bytes {
                let length = Int(HuffmanTable.lengths[Int(byte)])
                accumulator = accumulator << UInt64(length) | UInt64(HuffmanTable.codes[Int(byte)])
                pending &+= length
                while pending >= 8 {
                    pending &-= 8
                    try writer.writeUInt8(UInt8(truncatingIfNeeded: accumulator >> UInt64(pending)))
                }
            }
            if pending > 0 {
                let padding = 8 - pending
                try writer.writeUInt8(UInt8(truncatingIfNeeded: accumulator << UInt64(padding) | (1 << UInt64(padding) - 1)))
            }
        }
    }

    /// Appends the Huffman coding of `bytes` to `writer`.
    public static func encode(_ bytes: [UInt8], into writer: inout ByteWriter) throws(WireError) {
        let result: Result<Void, WireError> = bytes.withUnsafeBytes { raw in
            do throws(WireError) { try encode(raw, into: &writer); return .success(()) } catch { return .failure(error) }
        }
        try result.get()
    }

    /// The Huffman coding of `bytes` as a new array.
    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: encodedByteCount(of: bytes))
        // A growable writer never runs out of room.
        try? encode(bytes, into: &writer)
        return writer.bytes
    }

    /// Decodes a Huffman-coded string and appends the octets to `output` (at most
    /// `8 * bytes.count / 5` of them: the shortest code has 5 bits).
    public static func decode(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(HuffmanDecodingError) {
        output.reserveCapacity(output.count &+ bytes.count &* 8 / 5)
        var state = 0
        let failure: HuffmanDecodingError? = HuffmanDecoderTable.transitions.withUnsafeBufferPointer { table in
            for byte in bytes {
                let high = table[state << 4 | Int(byte >> 4)]
                if high & HuffmanDecoderTable.failFlag != 0 { return .endOfStringSymbol }
                if high & HuffmanDecoderTable.emitFlag != 0 { output.append(UInt8(truncatingIfNeeded: high >> 8)) }
                state = Int(high & 0xff)
                let low = table[state << 4 | Int(byte & 0x0f)]
                if low & HuffmanDecoderTable.failFlag != 0 { return .endOfStringSymbol }
                if low & HuffmanDecoderTable.emitFlag != 0 { output.append(UInt8(truncatingIfNeeded: low >> 8)) }
                state = Int(low & 0xff)
            }
            return nil
        }
        if let failure { throw failure }
        // RFC 7541 §5.2: padding longer than 7 bits, or not the most significant bits of EOS,
        // MUST be treated as a decoding error.
        switch HuffmanDecoderTable.endings[state] {
        case .accepted: return
        case .tooLong: throw .paddingTooLong
        case .notAllOnes: throw .paddingNotAllOnes
        }
    }

    /// Decodes a Huffman-coded string into a new array.
    public static func decode(_ bytes: [UInt8]) throws(HuffmanDecodingError) -> [UInt8] {
        var output: [UInt8] = []
        let result: Result<Void, HuffmanDecodingError> = bytes.withUnsafeBytes { raw in
            do throws(HuffmanDecodingError) { try decode(raw, into: &output); return .success(()) } catch {
                return .failure(error)
            }
        }
        try result.get()
        return output
    }
}

/// The decoder's transition table, built once from ``HuffmanTable``.
///
/// States are the 256 internal nodes of the code tree (0 is the root). Entry `state << 4 |
/// nibble` packs the state reached after those four bits (low 8 bits), the symbol completed on
/// the way (bits 8–15, valid when `emitFlag` is set; at most one, as no code is shorter than 5
/// bits) and `failFlag` when the walk reached EOS.
enum HuffmanDecoderTable {
    static let emitFlag: UInt32 = 1 << 16
    static let failFlag: UInt32 = 1 << 17

    /// What it means for the input to end in a given state.
    enum Ending { case accepted, tooLong, notAllOnes }

    /// The tree: for each internal node, its two children; a child ≥ 0 is an internal node,
    /// a child < 0 is the leaf for symbol `-child - 1`.
    static let tree: [(zero: Int, one: Int)] = {
        var nodes: [(zero: Int, one: Int)] = [(0, 0)]
        for symbol in 0...HuffmanTable.endOfString {
            let code = HuffmanTable.codes[symbol], length = Int(HuffmanTable.lengths[symbol])
            var node = 0
            for bit in stride(from: length - 1, through: 0, by: -1) {
                let isOne = (code >> UInt32(bit)) & 1 == 1
                let child = isOne ? nodes[node].one : nodes[node].zero
                if bit == 0 {
                    if isOne { nodes[node].one = -symbol - 1 } else { nodes[node].zero = -symbol - 1 }
                } else if child > 0 {
                    node = child
                } else {
                    nodes.append((0, 0))
                    let created = nodes.count - 1
                    if isOne { nodes[node].one = created } else { nodes[node].zero = created }
                    node = created
                }
            }
        }
        return nodes
    }()

    static let transitions: [UInt32] = {
        let nodes = tree
        var table = [UInt32](repeating: 0, count: nodes.count * 16)
        for state in nodes.indices {
            for nibble in 0..<16 {
                var node = state
                var entry: UInt32 = 0
                for bit in stride(from: 3, through: 0, by: -1) {
                    let child = (nibble >> bit) & 1 == 1 ? nodes[node].one : nodes[node].zero
                    if child >= 0 {
                        node = child
                        continue
                    }
                    let symbol = -child - 1
                    if symbol == HuffmanTable.endOfString {
                        entry |= failFlag
                        break
                    }
                    entry |= emitFlag | UInt32(symbol) << 8
                    node = 0
                }
                table[state << 4 | nibble] = entry | UInt32(node)
            }
        }
        return table
    }()

    /// For each state: the padding it stands for is acceptable, too long, or not all ones.
    static let endings: [Ending] = {
        let nodes = tree
        var endings = [Ending](repeating: .notAllOnes, count: nodes.count)
        // Depth of every node; the all-ones path from the root is the prefix of EOS.
        var depth = [Int](repeating: 0, count: nodes.count)
        var onesPath = Set<Int>([0])
        var stack = [0]
        while let node = stack.popLast() {
            for (child, isOne) in [(nodes[node].zero, false), (nodes[node].one, true)] where child >= 0 {
                depth[child] = depth[node] + 1
                if isOne && onesPath.contains(node) { onesPath.insert(child) }
                stack.append(child)
            }
        }
        for node in nodes.indices {
            if depth[node] > 7 { endings[node] = .tooLong }
            else if onesPath.contains(node) { endings[node] = .accepted }
        }
        return endings
    }()
}
