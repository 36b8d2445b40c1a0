import KoriumWire
import Testing

@testable import KoriumHTTP3

func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace }.utf8)
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
}

@Suite("HPACK Huffman code")
struct HuffmanTests {
    /// Huffman-coded string literals of RFC 7541 Appendix C.4 (requests) and C.6 (responses),
    /// transcribed from the hex dumps (the bytes after each literal's length octet).
    static let rfcStrings: [(section: String, text: String, coded: String)] = [
        ("C.4.1", "www.example.com", "f1e3 c2e5 f23a 6ba0 ab90 f4ff"),
        ("C.4.2", "no-cache", "a8eb 1064 9cbf"),
        ("C.4.3", "custom-key", "25a8 49e9 5ba9 7d7f"),
        ("C.4.3", "custom-value", "25a8 49e9 5bb8 e8b4 bf"),
        ("C.6.1", "302", "6402"),
        ("C.6.1", "private", "aec3 771a 4b"),
        ("C.6.1", "Mon, 21 Oct 2013 20:13:21 GMT", "d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff"),
        ("C.6.1", "https://www.example.com", "9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3"),
        ("C.6.2", "307", "640e ff"),
        ("C.6.3", "Mon, 21 Oct 2013 20:13:22 GMT", "d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff"),
        ("C.6.3", "gzip", "9bd9 ab"),
        ("C.6.3", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
         "94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07"),
    ]

    @Test("RFC 7541 C.4 and C.6 strings encode and decode", arguments: 0..<12)
    func rfcVectors(index: Int) throws {
        let vector = Self.rfcStrings[index]
        let text = Array(vector.text.utf8), coded = hex(vector.coded)
        #expect(Huffman.encode(text) == coded, "\(vector.section) \(vector.text)")
        #expect(Huffman.encodedByteCount(of: text) == coded.count)
        #expect(try Huffman.decode(coded) == text)
    }

    @Test("the transcribed code is prefix-free and complete (Kraft sum 1)")
    func codeIsComplete() {
        #expect(HuffmanTable.codes.count == 257 && HuffmanTable.lengths.count == 257)
        var kraft: UInt64 = 0  // in units of 2^-30
        for length in HuffmanTable.lengths { kraft += 1 << (30 - UInt64(length)) }
        #expect(kraft == 1 << 30)
        #expect(HuffmanDecoderTable.tree.count == 256)  // a complete binary tree with 257 leaves
        #expect(HuffmanTable.codes[256] == 0x3fff_ffff && HuffmanTable.lengths[256] == 30)
    }

    @Test("every byte value round-trips, alone and in sequence")
    func allBytes() throws {
        let all = (0...255).map { UInt8($0) }
        #expect(try Huffman.decode(Huffman.encode(all)) == all)
        for byte in all { #expect(try Huffman.decode(Huffman.encode([byte])) == [byte]) }
        #expect(try Huffman.decode([]) == [])
    }

    @Test("EOS inside a string is rejected (RFC 7541 §5.2)")
    func endOfStringSymbol() {
        // 30 one-bits then 2 more bits of padding: EOS is decoded.
        #expect(throws: HuffmanDecodingError.endOfStringSymbol) { try Huffman.decode([0xff, 0xff, 0xff, 0xff]) }
        // 'a' (00011) then EOS.
        #expect(throws: HuffmanDecodingError.endOfStringSymbol) { try Huffman.decode([0x1f, 0xff, 0xff, 0xff, 0xff]) }
    }

    @Test("padding longer than 7 bits is rejected")
    func longPadding() throws {
        // '0' is 00000 (5 bits) + 3 padding bits = 0x07; a whole extra byte of ones is 11 bits.
        #expect(try Huffman.decode([0x07]) == Array("0".utf8))
        #expect(throws: HuffmanDecodingError.paddingTooLong) { try Huffman.decode([0x07, 0xff]) }
        #expect(throws: HuffmanDecodingError.paddingTooLong) { try Huffman.decode([0xff]) }
    }

    @Test("padding that is not all ones is rejected")
    func zeroPadding() {
        // '0' then padding 000 decodes to '0' followed by a partial zero-prefixed code.
        #expect(throws: HuffmanDecodingError.paddingNotAllOnes) { try Huffman.decode([0x00]) }
        #expect(throws: HuffmanDecodingError.paddingNotAllOnes) { try Huffman.decode([0x06]) }
    }
}

@Suite("Prefix integers (RFC 7541 §5.1)")
struct PrefixIntegerTests {
    @Test("RFC 7541 C.1.1–C.1.3")
    func rfcExamples() throws {
        for (value, bits, encoded) in [(UInt64(10), 5, [UInt8(0x0a)]), (1337, 5, [0x1f, 0x9a, 0x0a]), (42, 8, [0x2a])] {
            var writer = ByteWriter()
            try PrefixInteger.encode(value, prefixBits: bits, into: &writer)
            #expect(writer.bytes == encoded)
            #expect(PrefixInteger.encodedLength(of: value, prefixBits: bits) == encoded.count)
            #expect(try encoded.withReader { (reader) throws(QPACKError) in try PrefixInteger.decode(from: &reader, prefixBits: bits) } == value)
        }
    }

    @Test("round trip at the edges for every prefix size")
    func roundTrip() throws {
        for bits in 1...8 {
            for value: UInt64 in [0, 1, (1 << UInt64(bits)) - 2, (1 << UInt64(bits)) - 1, 1 << UInt64(bits), 127, 128, 1 << 20, PrefixInteger.maxValue] {
                var writer = ByteWriter()
                try PrefixInteger.encode(value, prefixBits: bits, flags: 0, into: &writer)
                let bytes = writer.bytes
                #expect(try bytes.withReader { (reader) throws(QPACKError) in try PrefixInteger.decode(from: &reader, prefixBits: bits) } == value)
            }
        }
    }

    @Test("overlong and truncated integers are typed errors, never traps")
    func overflow() {
        let tooLarge: [UInt8] = [0x1f] + [UInt8](repeating: 0xff, count: 9) + [0x01]
        #expect(throws: QPACKError.integerOverflow) { try tooLarge.withReader { (r) throws(QPACKError) in try PrefixInteger.decode(from: &r, prefixBits: 5) } }
        let zeros: [UInt8] = [0xff] + [UInt8](repeating: 0x80, count: 20) + [0x00]
        #expect(throws: QPACKError.integerOverflow) { try zeros.withReader { (r) throws(QPACKError) in try PrefixInteger.decode(from: &r, prefixBits: 8) } }
        let justAbove: [UInt8] = { var w = ByteWriter(); try? PrefixInteger.encode(PrefixInteger.maxValue, prefixBits: 8, into: &w); var b = w.bytes; b[b.count - 1] += 1; return b }()
        #expect(throws: QPACKError.integerOverflow) { try justAbove.withReader { (r) throws(QPACKError) in try PrefixInteger.decode(from: &r, prefixBits: 8) } }
        #expect(throws: QPACKError.truncated) { try [UInt8]([0x1f, 0x9a]).withReader { (r) throws(QPACKError) in try PrefixInteger.decode(from: &r, prefixBits: 5) } }
        #expect(throws: QPACKError.truncated) { try [UInt8]().withReader { (r) throws(QPACKError) in try PrefixInteger.decode(from: &r, prefixBits: 5) } }
    }
}
