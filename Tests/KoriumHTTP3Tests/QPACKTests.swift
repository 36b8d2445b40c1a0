import KoriumWire
import Testing

@testable import KoriumHTTP3

@Suite("QPACK field sections (static table only)")
struct QPACKTests {
    @Test("RFC 9204 B.1: literal field line with a static name reference")
    func rfcB1() throws {
        let section = hex("0000 510b 2f69 6e64 6578 2e68 746d 6c")
        #expect(try QPACKDecoder.decodeFieldSection(section, maxSize: 4096) == [HTTPField(":path", "/index.html")])
    }

    @Test("static table transcription: 99 entries, spot checks from RFC 9204 Appendix A")
    func staticTable() {
        #expect(QPACKStaticTable.fields.count == 99)
        #expect(QPACKStaticTable.fields[0] == HTTPField(":authority", ""))
        #expect(QPACKStaticTable.fields[17] == HTTPField(":method", "GET"))
        #expect(QPACKStaticTable.fields[25] == HTTPField(":status", "200"))
        #expect(QPACKStaticTable.fields[29] == HTTPField("accept", "*/*"))
        #expect(QPACKStaticTable.fields[85] == HTTPField("content-security-policy", "script-src 'none'; object-src 'none'; base-uri 'none'"))
        #expect(QPACKStaticTable.fields[98] == HTTPField("x-frame-options", "sameorigin"))
    }

    @Test("encoder picks indexed, name-reference and literal representations")
    func encoderChoices() throws {
        // :method GET = static 17 → 0xd1; :path /x → 0x51 + string; x-custom → literal name.
        let encoded = QPACKEncoder.encodeFieldSection([HTTPField(":method", "GET"), HTTPField(":path", "/x"), HTTPField("x-custom", "v")])
        #expect(encoded.starts(with: [0x00, 0x00, 0xd1, 0x51, 0x02] + Array("/x".utf8)))
        #expect(encoded[7] & 0xe0 == 0x20)
        let decoded = try QPACKDecoder.decodeFieldSection(encoded, maxSize: 4096)
        #expect(decoded == [HTTPField(":method", "GET"), HTTPField(":path", "/x"), HTTPField("x-custom", "v")])
    }

    @Test("every static entry encodes as one indexed line and decodes back")
    func everyStaticEntry() throws {
        for (index, field) in QPACKStaticTable.fields.enumerated() {
            let encoded = QPACKEncoder.encodeFieldSection([field])
            var expected: [UInt8] = [0, 0]
            if index < 63 { expected.append(0xc0 | UInt8(index)) } else { expected += [0xff, UInt8(index - 63)] }
            #expect(encoded == expected)
            #expect(try QPACKDecoder.decodeFieldSection(encoded, maxSize: 4096) == [field])
        }
    }

    @Test("dynamic-table references and non-zero insert counts fail with QPACK_DECOMPRESSION_FAILED")
    func dynamicReferences() {
        let cases: [([UInt8], QPACKError)] = [
            ([0x01, 0x00], .nonZeroRequiredInsertCount),
            ([0x00, 0x80], .negativeBase),
            ([0x00, 0x00, 0x80], .dynamicTableReference),  // indexed, T = 0
            ([0x00, 0x00, 0x10], .dynamicTableReference),  // indexed post-base
            ([0x00, 0x00, 0x40, 0x00], .dynamicTableReference),  // name reference, T = 0
            ([0x00, 0x00, 0x00, 0x00], .dynamicTableReference),  // post-base name reference
            ([0x00, 0x00, 0xff, 0x24], .staticIndexOutOfRange),  // index 99
            ([0x00, 0x00, 0x51, 0x05, 0x2f], .truncated),
            ([0x00], .truncated),
            ([0x00, 0x00, 0x51, 0x81, 0xff], .huffman(.paddingTooLong)),
        ]
        for (bytes, error) in cases {
            #expect(throws: error) { try QPACKDecoder.decodeFieldSection(bytes, maxSize: 4096) }
            #expect(error.code == .qpackDecompressionFailed)
        }
    }

    @Test("the decoded size cap counts name + value + 32 per field")
    func sizeCap() throws {
        let fields = [HTTPField("a", "b"), HTTPField("c", "d")]
        let encoded = QPACKEncoder.encodeFieldSection(fields)
        #expect(try QPACKDecoder.decodeFieldSection(encoded, maxSize: 68) == fields)
        #expect(throws: QPACKError.fieldSectionTooLarge) { try QPACKDecoder.decodeFieldSection(encoded, maxSize: 67) }
    }

    @Test("peer QPACK streams: capacity 0 and cancellations pass, inserts and acknowledgments fail")
    func streamInstructions() throws {
        var encoder = QPACKStreamReceiver(kind: .encoder)
        try feed(&encoder, [0x20])
        #expect(throws: QPACKError.tableCapacityExceeded) { try feed(&encoder, [0x3f, 0x01]) }
        var inserting = QPACKStreamReceiver(kind: .encoder)
        #expect(throws: QPACKError.dynamicTableInsert) { try feed(&inserting, [0xc0, 0x01, 0x61]) }
        var decoder = QPACKStreamReceiver(kind: .decoder)
        // Stream Cancellation of stream 200, split inside the integer.
        try feed(&decoder, [0x7f])
        try feed(&decoder, [0x89, 0x01])
        #expect(throws: QPACKError.unexpectedSectionAcknowledgment) { try feed(&decoder, [0x84]) }
        var increments = QPACKStreamReceiver(kind: .decoder)
        #expect(throws: QPACKError.invalidInsertCountIncrement) { try feed(&increments, [0x01]) }
        #expect(QPACKError.dynamicTableInsert.code == .qpackEncoderStreamError)
        #expect(QPACKError.invalidInsertCountIncrement.code == .qpackDecoderStreamError)
    }
}

/// Feeds bytes to a QPACK stream receiver.
func feed(_ receiver: inout QPACKStreamReceiver, _ bytes: [UInt8]) throws(QPACKError) {
    let result: Result<Void, QPACKError> = bytes.withUnsafeBytes { raw in
        do throws(QPACKError) { try receiver.receive(raw); return .success(()) } catch { return .failure(error) }
    }
    try result.get()
}

@Suite("QPACK and Huffman properties")
struct QPACKPropertyTests {
    /// A tiny deterministic generator (LCG), so failures reproduce.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(next(256)) } }
    }

    @Test("random header lists round-trip through encoder and decoder")
    func roundTrip() throws {
        var random = Generator(state: 9204)
        for _ in 0..<300 {
            var fields: [HTTPField] = []
            for _ in 0..<random.next(12) {
                switch random.next(3) {
                case 0: fields.append(QPACKStaticTable.fields[random.next(99)])
                case 1: fields.append(HTTPField(name: QPACKStaticTable.fields[random.next(99)].name, value: random.bytes(random.next(300))))
                default: fields.append(HTTPField(name: random.bytes(1 + random.next(40)), value: random.bytes(random.next(300))))
                }
            }
            let encoded = QPACKEncoder.encodeFieldSection(fields)
            #expect(try QPACKDecoder.decodeFieldSection(encoded, maxSize: .max) == fields)
        }
    }

    @Test("arbitrary bytes never trap the decoders; every Huffman output decodes")
    func arbitraryBytes() throws {
        var random = Generator(state: 7541)
        for _ in 0..<3000 {
            let bytes = random.bytes(random.next(64))
            _ = try? QPACKDecoder.decodeFieldSection([0, 0] + bytes, maxSize: 4096)
            _ = try? QPACKDecoder.decodeFieldSection(bytes, maxSize: 4096)
            if let decoded = try? Huffman.decode(bytes) { #expect(try Huffman.decode(Huffman.encode(decoded)) == decoded) }
            #expect(try Huffman.decode(Huffman.encode(bytes)) == bytes)
        }
    }
}
