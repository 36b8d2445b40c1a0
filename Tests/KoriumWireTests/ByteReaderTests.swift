import Testing
@testable import KoriumWire

@Suite("ByteReader")
struct ByteReaderTests {
    @Test("fixed-width integers are big-endian")
    func bigEndian() throws {
        let bytes = hex("01 0203 040506 0708090a 0b0c0d0e0f101112")
        let (result, offset) = read(bytes) { (r: inout ByteReader) throws(WireError) in
            (try r.readUInt8(), try r.readUInt16(), try r.readUInt24(), try r.readUInt32(), try r.readUInt64())
        }
        let v = try result.get()
        #expect(v.0 == 0x01 && v.1 == 0x0203 && v.2 == 0x04_0506 && v.3 == 0x0708_090a)
        #expect(v.4 == 0x0b0c_0d0e_0f10_1112)
        #expect(offset == bytes.count)
    }

    /// Every kind of read, so the all-or-nothing property can be checked for each.
    static let reads: [(String, @Sendable (inout ByteReader) throws(WireError) -> Void)] = [
        ("uint8", { (r: inout ByteReader) throws(WireError) in _ = try r.readUInt8() }),
        ("uint16", { (r: inout ByteReader) throws(WireError) in _ = try r.readUInt16() }),
        ("uint24", { (r: inout ByteReader) throws(WireError) in _ = try r.readUInt24() }),
        ("uint32", { (r: inout ByteReader) throws(WireError) in _ = try r.readUInt32() }),
        ("uint64", { (r: inout ByteReader) throws(WireError) in _ = try r.readUInt64() }),
        ("bool", { (r: inout ByteReader) throws(WireError) in _ = try r.readBool() }),
        ("varint", { (r: inout ByteReader) throws(WireError) in _ = try r.readVarInt() }),
        ("minimal varint", { (r: inout ByteReader) throws(WireError) in _ = try r.readMinimalVarInt() }),
        ("bytes(5)", { (r: inout ByteReader) throws(WireError) in _ = try r.readBytes(5) }),
        ("array(5)", { (r: inout ByteReader) throws(WireError) in _ = try r.readArray(5) }),
        ("sub(3)", { (r: inout ByteReader) throws(WireError) in _ = try r.readSubReader(3) }),
        ("skip(2)", { (r: inout ByteReader) throws(WireError) in try r.skip(2) }),
        ("lp varint ≤ 8", { (r: inout ByteReader) throws(WireError) in _ = try r.readLengthPrefixedBytes(.varInt, maxLength: 8) }),
        ("lp canonical ≤ 8", { (r: inout ByteReader) throws(WireError) in _ = try r.readLengthPrefixedBytes(maxLength: 8) }),
        ("lp uint8 ≤ 4", { (r: inout ByteReader) throws(WireError) in _ = try r.readLengthPrefixedBytes(.uint8, maxLength: 4) }),
        ("lp uint16", { (r: inout ByteReader) throws(WireError) in _ = try r.readLengthPrefixedBytes(.uint16, maxLength: 100) }),
        ("lp uint24", { (r: inout ByteReader) throws(WireError) in _ = try r.readLengthPrefixedBytes(.uint24, maxLength: 100) }),
        ("lp uint32", { (r: inout ByteReader) throws(WireError) in _ = try r.readLengthPrefixedBytes(.uint32, maxLength: 100) }),
        ("string ≤ 8", { (r: inout ByteReader) throws(WireError) in _ = try r.readString(maxLength: 8) }),
        ("array of uint16 ≤ 3", { (r: inout ByteReader) throws(WireError) in _ = try r.readArray(of: UInt16.self, maxCount: 3) }),
        ("pair", { (r: inout ByteReader) throws(WireError) in _ = try r.read(Pair.self) }),
    ]

    @Test("a failing read leaves the offset unchanged (all reads, random inputs)")
    func allOrNothing() {
        var rng = SplitMix64(seed: 0x5eed_0001)
        for _ in 0..<3000 {
            let length = Int.random(in: 0...12, using: &rng)
            // Bias towards small bytes so length prefixes are often plausible.
            let bytes = (0..<length).map { _ in
                Bool.random(using: &rng) ? UInt8.random(in: 0...9, using: &rng) : UInt8.random(in: 0...255, using: &rng)
            }
            let skipFirst = Int.random(in: 0...min(2, length), using: &rng)
            for (name, body) in Self.reads {
                bytes.withReader { r in
                    _ = try? r.skip(skipFirst)
                    let before = r.offset
                    do throws(WireError) {
                        try body(&r)
                        #expect(r.offset > before, "\(name) succeeded without consuming")
                    } catch {
                        #expect(r.offset == before, "\(name) moved the offset on \(error) for \(bytes)")
                    }
                }
            }
        }
    }

    @Test("reads past the end are .truncated with the exact counts")
    func truncatedCounts() {
        let bytes: [UInt8] = [1, 2, 3]
        #expect(read(bytes) { (r: inout ByteReader) throws(WireError) in try r.readUInt32() }.result == .failure(.truncated(needed: 4, available: 3)))
        #expect(read(bytes) { (r: inout ByteReader) throws(WireError) in try r.readUInt64() }.result == .failure(.truncated(needed: 8, available: 3)))
        #expect(read(bytes) { (r: inout ByteReader) throws(WireError) in try r.readArray(4) }.result == .failure(.truncated(needed: 4, available: 3)))
        #expect(read([]) { (r: inout ByteReader) throws(WireError) in try r.readUInt8() }.result == .failure(.truncated(needed: 1, available: 0)))
        #expect(read(bytes) { (r: inout ByteReader) throws(WireError) in try r.readBytes(-1) }.result.map { _ in 0 } == .failure(.valueOutOfRange))
        // A length prefix that promises more than is left.
        #expect(read([5, 1, 2]) { (r: inout ByteReader) throws(WireError) in try r.readLengthPrefixedArray(maxLength: 10) }.result == .failure(.truncated(needed: 5, available: 2)))
    }

    @Test("sub-readers are bounded to their field and start at offset 0")
    func subReader() throws {
        let bytes = hex("03 aabbcc dd")
        let (result, offset) = read(bytes) { (r: inout ByteReader) throws(WireError) in
            var sub = try r.readLengthPrefixedReader(.uint8, maxLength: 3)
            let first = try sub.readUInt16()
            let subOffset = sub.offset
            let overrun = Result { () throws(WireError) in try sub.readUInt16() }
            let last = try sub.readUInt8()
            try sub.expectEnd()
            return (first, subOffset, overrun, last, try r.readUInt8())
        }
        let v = try result.get()
        #expect(v.0 == 0xaabb && v.1 == 2 && v.3 == 0xcc && v.4 == 0xdd)
        #expect(v.2.map { _ in 0 } == .failure(.truncated(needed: 2, available: 1)))
        #expect(offset == 5)
    }

    @Test("length caps are typed errors and consume nothing")
    func caps() {
        let r1 = read(hex("05 0102030405")) { (r: inout ByteReader) throws(WireError) in try r.readLengthPrefixedArray(.uint8, maxLength: 4) }
        #expect(r1.result == .failure(.lengthExceedsLimit(length: 5, limit: 4)))
        #expect(r1.offset == 0)
        let r2 = read(hex("4005 0102030405")) { (r: inout ByteReader) throws(WireError) in try r.readLengthPrefixedArray(maxLength: 10) }
        #expect(r2.result == .failure(.nonMinimalEncoding))
        #expect(r2.offset == 0)
        let r3 = read(hex("4005 0102030405")) { (r: inout ByteReader) throws(WireError) in try r.readLengthPrefixedArray(.varInt, maxLength: 10) }
        #expect(r3.result == .success([1, 2, 3, 4, 5]))
        // A huge length prefix is rejected by the cap before anything is allocated.
        let r4 = read(hex("ffffffffffffffff")) { (r: inout ByteReader) throws(WireError) in try r.readLengthPrefixedArray(.varInt, maxLength: 1 << 20) }
        #expect(r4.result == .failure(.lengthExceedsLimit(length: (1 << 62) - 1, limit: 1 << 20)))
    }

    @Test("booleans, strings and trailing bytes")
    func semantic() {
        #expect(read([2]) { (r: inout ByteReader) throws(WireError) in try r.readBool() }.result == .failure(.valueOutOfRange))
        #expect(read([1]) { (r: inout ByteReader) throws(WireError) in try r.readBool() }.result == .success(true))
        let bad = read([2, 0xc3, 0x28]) { (r: inout ByteReader) throws(WireError) in try r.readString(maxLength: 10) }
        #expect(bad.result == .failure(.invalid("utf8")) && bad.offset == 0)
        let good = read([3, 0x6b, 0xc3, 0xb6]) { (r: inout ByteReader) throws(WireError) in try r.readString(maxLength: 10) }
        #expect(good.result == .success("kö"))
        #expect(read([1, 2]) { (r: inout ByteReader) throws(WireError) in _ = try r.readUInt8(); try r.expectEnd() }.result.map { 0 } == .failure(.trailingBytes(count: 1)))
    }

    @Test("consumed and remaining views, peek, copies rewind")
    func views() throws {
        let (result, _) = read([1, 2, 3, 4]) { (r: inout ByteReader) throws(WireError) in
            _ = try r.readUInt16()
            let saved = r
            let peeked = try r.peekUInt8()
            _ = try r.readUInt8()
            let consumed = [UInt8](r.consumedBytes)
            r = saved
            return (peeked, consumed, [UInt8](r.remainingBytes), [UInt8](r.readRemainingBytes()), r.isAtEnd)
        }
        let v = try result.get()
        #expect(v.0 == 3 && v.1 == [1, 2, 3] && v.2 == [3, 4] && v.3 == [3, 4] && v.4)
    }
}

/// A small composite codec type used by the reader and codec tests.
struct Pair: WireCodable, Equatable {
    var tag: UInt16
    var payload: [UInt8]
    init(tag: UInt16, payload: [UInt8]) {
        self.tag = tag
        self.payload = payload
    }
    init(from reader: inout ByteReader) throws(WireError) {
        tag = try reader.readUInt16()
        payload = try reader.readLengthPrefixedArray(maxLength: 16)
    }
    func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.writeUInt16(tag)
        try writer.writeLengthPrefixedBytes(payload)
    }
}
