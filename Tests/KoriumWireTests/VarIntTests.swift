import Testing
@testable import KoriumWire

@Suite("VarInt (RFC 9000 §16)")
struct VarIntTests {
    // RFC 9000 Appendix A.1 (Sample Variable-Length Integer Decoding), the four examples and
    // the non-minimal 0x4025 = 37, transcribed as hex.
    @Test(
        "RFC 9000 A.1 samples decode",
        arguments: [
            ("c2197c5eff14e88c", 151_288_809_941_952_652, true),
            ("9d7f3e7d", 494_878_333, true),
            ("7bbd", 15_293, true),
            ("25", 37, true),
            ("4025", 37, false),
        ] as [(String, UInt64, Bool)])
    func rfcSamples(text: String, value: UInt64, minimal: Bool) throws {
        let bytes = hex(text)
        let (result, offset) = read(bytes) { (r: inout ByteReader) throws(WireError) in try r.readVarIntCheckingMinimality() }
        let decoded = try result.get()
        #expect(decoded.value.value == value)
        #expect(decoded.isMinimal == minimal)
        #expect(offset == bytes.count)
        if minimal {
            #expect(try decoded.value.wireBytes() == bytes)
        }
    }

    @Test("A.1 sample 0x4025 is rejected where minimal encoding is required")
    func minimalRequired() {
        let (result, offset) = read(hex("4025")) { (r: inout ByteReader) throws(WireError) in try r.readMinimalVarInt() }
        #expect(result == .failure(.nonMinimalEncoding))
        #expect(offset == 0)
        #expect(throws: WireError.nonMinimalEncoding) { try VarInt(wireBytes: hex("4025")) }
    }

    static let boundaries: [UInt64] = [
        0, 1, 62, 63, 64, 65, 16_382, 16_383, 16_384, 16_385,
        1_073_741_822, 1_073_741_823, 1_073_741_824, 1_073_741_825,
        (1 << 62) - 2, (1 << 62) - 1,
    ]

    @Test("round trip at every length boundary", arguments: boundaries)
    func roundTrip(value: UInt64) throws {
        let v = try VarInt(value)
        let expectedLength = value < 64 ? 1 : value < 16_384 ? 2 : value < 1 << 30 ? 4 : 8
        #expect(v.encodedLength == expectedLength)
        let bytes = try v.wireBytes()
        #expect(bytes.count == expectedLength)
        #expect(VarInt.encodedLength(firstByte: bytes[0]) == expectedLength)
        #expect(try VarInt(wireBytes: bytes) == v)
        // Every longer (non-minimal) encoding decodes to the same value and is flagged.
        for length in [1, 2, 4, 8] where length > expectedLength {
            var w = ByteWriter(capacity: 8)
            try w.writeVarInt(v, length: length)
            let (result, offset) = read(w.bytes) { (r: inout ByteReader) throws(WireError) in try r.readVarIntCheckingMinimality() }
            let decoded = try result.get()
            #expect(decoded.value == v && !decoded.isMinimal && offset == length)
        }
        // A shorter length is refused rather than silently truncated.
        for length in [1, 2, 4] where length < expectedLength {
            var w = ByteWriter(capacity: 8)
            #expect(throws: WireError.valueOutOfRange) { try w.writeVarInt(v, length: length) }
            #expect(w.bytesWritten == 0)
        }
    }

    @Test("values above 2^62-1 and negative values are typed errors")
    func outOfRange() {
        #expect(throws: WireError.valueOutOfRange) { try VarInt(UInt64(1) << 62) }
        #expect(throws: WireError.valueOutOfRange) { try VarInt(UInt64.max) }
        #expect(throws: WireError.valueOutOfRange) { try VarInt(-1 as Int) }
        #expect(VarInt(truncating: UInt64.max) == VarInt.max)
        #expect(VarInt.max.value == (1 << 62) - 1)
        #expect(VarInt(UInt32.max).value == 4_294_967_295)
        var w = ByteWriter(capacity: 8)
        #expect(throws: WireError.valueOutOfRange) { try w.writeVarInt(Int64.max) }
        #expect(throws: WireError.valueOutOfRange) { try w.writeVarInt(5, length: 3) }
        #expect(w.bytesWritten == 0)
    }

    @Test("the largest 8-byte pattern decodes to 2^62-1")
    func allOnes() throws {
        let (result, _) = read(hex("ffffffffffffffff")) { (r: inout ByteReader) throws(WireError) in try r.readVarInt() }
        #expect(try result.get() == VarInt.max)
    }

    @Test("truncated varints report the length they need and consume nothing")
    func truncated() {
        for (text, needed) in [("", 1), ("40", 2), ("80ffff", 4), ("c0000000000000", 8)] as [(String, Int)] {
            let bytes = hex(text)
            let (result, offset) = read(bytes) { (r: inout ByteReader) throws(WireError) in try r.readVarInt() }
            #expect(result == .failure(.truncated(needed: needed, available: bytes.count)))
            #expect(offset == 0)
        }
    }

    @Test("ordering and literals")
    func ordering() throws {
        let a: VarInt = 5
        #expect(a < VarInt(6))
        #expect(try VarInt(5 as Int) == a)
        #expect(a.description == "5")
        #expect(VarInt.max.intValue == (1 << 62) - 1)
    }
}
