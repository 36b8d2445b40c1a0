import Testing
@testable import KoriumWire

/// A message shaped like the project's protocol messages: fixed ints, a flag, a varint,
/// a capped byte string, a capped string and a capped array of nested values.
struct SampleMessage: WireCodable, Equatable {
    static let maxName = 32
    static let maxPairs = 4
    var version: UInt8
    var flag: Bool
    var id: UInt64
    var sequence: VarInt
    var name: String
    var pairs: [Pair]

    init(version: UInt8, flag: Bool, id: UInt64, sequence: VarInt, name: String, pairs: [Pair]) {
        self.version = version
        self.flag = flag
        self.id = id
        self.sequence = sequence
        self.name = name
        self.pairs = pairs
    }

    init(from reader: inout ByteReader) throws(WireError) {
        version = try reader.read()
        flag = try reader.read()
        id = try reader.read()
        sequence = try reader.read()
        name = try reader.readString(maxLength: Self.maxName)
        pairs = try reader.readArray(of: Pair.self, maxCount: Self.maxPairs)
    }

    func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.write(version)
        try writer.write(flag)
        try writer.write(id)
        try writer.write(sequence)
        try writer.writeString(name)
        try writer.writeArray(pairs, maxCount: Self.maxPairs)
    }
}

@Suite("Codec (WireEncodable / WireDecodable)")
struct CodecTests {
    let sample = SampleMessage(
        version: 1, flag: true, id: 0x0102_0304_0506_0708, sequence: 300, name: "kö",
        pairs: [Pair(tag: 7, payload: [0xaa]), Pair(tag: 0xffff, payload: [])])

    @Test("the encoding is exactly the documented layout")
    func layout() throws {
        #expect(try sample.wireBytes() == hex("01 01 0102030405060708 412c 036bc3b6 02 0007 01aa ffff 00"))
    }

    @Test("round trip, and decoding rejects trailing bytes")
    func roundTrip() throws {
        let bytes = try sample.wireBytes()
        #expect(try SampleMessage(wireBytes: bytes) == sample)
        #expect(throws: WireError.trailingBytes(count: 1)) { try SampleMessage(wireBytes: bytes + [0]) }
        let fromRaw = try bytes.withUnsafeBytes { raw in try SampleMessage(wireBytes: raw) }
        #expect(fromRaw == sample)
    }

    @Test("every strict prefix is .truncated, never a trap, and consumes nothing")
    func prefixes() throws {
        let bytes = try sample.wireBytes()
        for cut in 0..<bytes.count {
            let (result, offset) = read(Array(bytes[0..<cut])) { (r: inout ByteReader) throws(WireError) in try r.read(SampleMessage.self) }
            guard case .failure(.truncated) = result else {
                Issue.record("prefix \(cut) gave \(result)")
                continue
            }
            #expect(offset == 0)
        }
    }

    @Test("caps are enforced on both sides")
    func caps() throws {
        var tooMany = sample
        tooMany.pairs = Array(repeating: Pair(tag: 1, payload: []), count: SampleMessage.maxPairs + 1)
        #expect(throws: WireError.lengthExceedsLimit(length: 5, limit: 4)) { try tooMany.wireBytes() }
        // A hand-made encoding with count 5 is rejected by the decoder.
        var w = ByteWriter()
        try w.writeUInt8(1)
        try w.writeBool(false)
        try w.writeUInt64(0)
        try w.writeVarInt(VarInt(0))
        try w.writeString("")
        try w.writeVarInt(VarInt(5))
        for _ in 0..<5 { try w.write(Pair(tag: 0, payload: [])) }
        #expect(throws: WireError.lengthExceedsLimit(length: 5, limit: 4)) { try SampleMessage(wireBytes: w.bytes) }

        var longName = sample
        longName.name = String(repeating: "x", count: SampleMessage.maxName + 1)
        let encoded = try longName.wireBytes()  // the writer has no cap for strings; the reader does
        #expect(throws: WireError.lengthExceedsLimit(length: 33, limit: 32)) { try SampleMessage(wireBytes: encoded) }

        var longPayload = sample
        longPayload.pairs = [Pair(tag: 0, payload: [UInt8](repeating: 1, count: 17))]
        #expect(throws: WireError.lengthExceedsLimit(length: 17, limit: 16)) {
            try SampleMessage(wireBytes: try longPayload.wireBytes())
        }
    }

    @Test(
        "malformed fields give their typed errors",
        arguments: [
            ("01 02 0102030405060708 412c 036bc3b6 00", WireError.valueOutOfRange),  // flag = 2
            ("01 01 0102030405060708 402c 036bc3b6 00", .nonMinimalEncoding),  // sequence 0x402c
            ("01 01 0102030405060708 412c 02c328 00", .invalid("utf8")),  // bad UTF-8
            ("01 01 0102030405060708 412c 4003 6bc3b6 00", .nonMinimalEncoding),  // name length
            ("01 01 0102030405060708 412c 036bc3b6 4001 0007 01aa", .nonMinimalEncoding),  // count
            ("01 01 0102030405060708 412c 036bc3b6 01 0007 05aa", .truncated(needed: 5, available: 1)),
            ("01 01 0102030405060708 412c 036bc3b6 00 ff", .trailingBytes(count: 1)),
        ] as [(String, WireError)])
    func malformed(text: String, error: WireError) {
        let bytes = hex(text)
        #expect(throws: error) { try SampleMessage(wireBytes: bytes) }
    }

    @Test("fixed-width integers, Bool and VarInt conform with their natural encodings")
    func scalars() throws {
        #expect(try UInt16(0x1234).wireBytes() == [0x12, 0x34])
        #expect(try UInt32(wireBytes: [0, 0, 1, 0]) == 256)
        #expect(try UInt64(wireBytes: hex("0000000000000101")) == 257)
        #expect(try Bool(wireBytes: [0]) == false)
        #expect(try VarInt(wireBytes: hex("7bbd")) == 15_293)
        #expect(throws: WireError.truncated(needed: 2, available: 1)) { try UInt16(wireBytes: [1]) }
    }
}
