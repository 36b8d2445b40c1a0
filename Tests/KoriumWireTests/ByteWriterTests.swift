import Testing
@testable import KoriumWire

@Suite("ByteWriter")
struct ByteWriterTests {
    /// Writes the same sequence used by `ByteReaderTests.bigEndian`.
    func writeSample(_ w: inout ByteWriter) throws(WireError) {
        try w.writeUInt8(0x01)
        try w.writeUInt16(0x0203)
        try w.writeUInt24(0x04_0506)
        try w.writeUInt32(0x0708_090a)
        try w.writeUInt64(0x0b0c_0d0e_0f10_1112)
    }

    @Test("growable and fixed modes write the same big-endian bytes")
    func bothModes() throws {
        let expected = hex("01 0203 040506 0708090a 0b0c0d0e0f101112")
        var growable = ByteWriter(capacity: 1)
        try writeSample(&growable)
        #expect(growable.bytes == expected && !growable.isFixed)
        var buffer = [UInt8](repeating: 0xee, count: 32)
        let written = try buffer.withUnsafeMutableBytes { raw in
            try ByteWriter.withWriter(into: raw) { (w: inout ByteWriter) throws(WireError) in
                try writeSample(&w)
                return w.bytes
            }
        }
        #expect(written.result == expected && written.bytesWritten == 18)
        #expect(Array(buffer[0..<18]) == expected && buffer[18] == 0xee)
    }

    @Test("a fixed buffer that is too small throws .bufferFull and writes nothing")
    func bufferFull() {
        var buffer = [UInt8](repeating: 0, count: 5)
        buffer.withUnsafeMutableBytes { raw in
            var w = ByteWriter(into: raw)
            #expect(throws: WireError.bufferFull(needed: 8, available: 5)) { try w.writeUInt64(1) }
            #expect(w.bytesWritten == 0)
            #expect((try? w.writeUInt32(0xaabb_ccdd)) != nil)
            #expect(throws: WireError.bufferFull(needed: 2, available: 1)) { try w.writeUInt16(1) }
            #expect(throws: WireError.bufferFull(needed: 3, available: 1)) { try w.writeUInt24(1) }
            #expect(throws: WireError.bufferFull(needed: 2, available: 1)) { try w.writeBytes([1, 2] as [UInt8]) }
            #expect(throws: WireError.bufferFull(needed: 2, available: 1)) { try w.writeVarInt(VarInt(100)) }
            // A composite write that fails half-way leaves nothing behind.
            #expect(throws: WireError.bufferFull(needed: 3, available: 0)) {
                try w.writeLengthPrefixedBytes([9, 9, 9] as [UInt8], .uint8)
            }
            #expect(w.bytesWritten == 4)
            #expect((try? w.writeUInt8(7)) != nil)
            #expect(throws: WireError.bufferFull(needed: 1, available: 0)) { try w.writeUInt8(8) }
            #expect(w.bytes == [0xaa, 0xbb, 0xcc, 0xdd, 7])
        }
    }

    @Test("writeLengthPrefixed patches the length, minimal for varints", arguments: [0, 1, 63, 64, 300, 16_383, 16_384])
    func lengthPrefixed(bodyLength: Int) throws {
        for fixed in [false, true] {
            var storage = [UInt8](repeating: 0, count: 20_000)
            let out: [UInt8] = try storage.withUnsafeMutableBytes { raw in
                var w = fixed ? ByteWriter(into: raw) : ByteWriter()
                try w.writeUInt8(0xaa)
                try w.writeLengthPrefixed(maxLength: 1 << 20) { (inner: inout ByteWriter) throws(WireError) in
                    try inner.writeBytes([UInt8](repeating: 0x5a, count: bodyLength))
                }
                try w.writeUInt8(0xbb)
                return w.bytes
            }
            var expected = ByteWriter()
            try expected.writeUInt8(0xaa)
            try expected.writeVarInt(VarInt(bodyLength))
            try expected.writeBytes([UInt8](repeating: 0x5a, count: bodyLength))
            try expected.writeUInt8(0xbb)
            #expect(out == expected.bytes)
        }
    }

    @Test("writeLengthPrefixed with fixed prefixes and its cap")
    func lengthPrefixedFixed() throws {
        var w = ByteWriter()
        try w.writeLengthPrefixed(.uint16, maxLength: 10) { (inner: inout ByteWriter) throws(WireError) in
            try inner.writeLengthPrefixed(.uint24, maxLength: 10) { (x: inout ByteWriter) throws(WireError) in try x.writeUInt8(1) }
        }
        #expect(w.bytes == hex("0004 000001 01"))
        #expect(throws: WireError.lengthExceedsLimit(length: 3, limit: 2)) {
            try w.writeLengthPrefixed(.uint8, maxLength: 2) { (inner: inout ByteWriter) throws(WireError) in
                try inner.writeUInt24(5)
            }
        }
        #expect(w.bytes == hex("0004 000001 01"))
        #expect(throws: WireError.lengthExceedsLimit(length: 256, limit: 255)) {
            try w.writeLengthPrefixedBytes([UInt8](repeating: 0, count: 256), .uint8)
        }
        #expect(throws: WireError.valueOutOfRange) { try w.writeUInt24(1 << 24) }
    }

    @Test("patching reserved fields, truncation and zero padding")
    func patching() throws {
        var w = ByteWriter()
        try w.writeVarInt(0, length: 2)
        try w.writeZeros(3)
        try w.patchVarInt(VarInt(1000), length: 2, at: 0)
        try w.patchUInt8(9, at: 4)
        #expect(w.bytes == hex("43e8 0000 09"))
        #expect(throws: WireError.valueOutOfRange) { try w.patchUInt32(1, at: 2) }
        #expect(throws: WireError.valueOutOfRange) { try w.patchUInt16(1, at: -1) }
        w.truncate(to: 2)
        #expect(w.bytes == hex("43e8"))
        w.withWrittenBytes { $0[1] ^= 0xff }
        #expect(w.bytes == hex("4317"))
        // Non-contiguous collections are written too.
        try w.writeBytes((1...3).lazy.map { UInt8($0) })
        #expect(w.bytes == hex("4317 010203"))
    }
}
