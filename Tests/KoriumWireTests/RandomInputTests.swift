import Testing
@testable import KoriumWire

@Suite("Arbitrary input")
struct RandomInputTests {
    /// Random bytes of random length, biased towards small values so length prefixes and
    /// counts are often in range and decoding gets deep.
    static func randomBytes(_ rng: inout SplitMix64, maxLength: Int) -> [UInt8] {
        let length = Int.random(in: 0...maxLength, using: &rng)
        return (0..<length).map { _ in
            switch UInt8.random(in: 0..<4, using: &rng) {
            case 0: return UInt8.random(in: 0...4, using: &rng)
            case 1: return UInt8.random(in: 0x40...0x42, using: &rng)
            default: return UInt8.random(in: 0...255, using: &rng)
            }
        }
    }

    @Test("decoders never trap on random bytes and re-encode what they accept")
    func neverTraps() throws {
        var rng = SplitMix64(seed: 0x5eed_0002)
        var accepted = 0
        for _ in 0..<5000 {
            let bytes = Self.randomBytes(&rng, maxLength: 64)
            if let message = try? SampleMessage(wireBytes: bytes) {
                // The codec is canonical: an accepted input is exactly the re-encoding.
                #expect(try message.wireBytes() == bytes)
            }
            if let pair = try? Pair(wireBytes: bytes) {
                accepted += 1
                #expect(try pair.wireBytes() == bytes)
            }
            // A reader driven by the bytes themselves through every kind of read.
            bytes.withReader { r in
                var ops = SplitMix64(seed: UInt64(bytes.count))
                while !r.isAtEnd {
                    let before = r.offset
                    let op = ByteReaderTests.reads.randomElement(using: &ops)!
                    do throws(WireError) { try op.1(&r) } catch {
                        #expect(r.offset == before)
                        _ = try? r.skip(1)
                    }
                }
            }
        }
        // The generator is biased so that some inputs are whole `Pair`s: the accept path ran.
        #expect(accepted > 10)
    }

    @Test("random valid messages round-trip; their every mutation is decoded or rejected")
    func mutations() throws {
        var rng = SplitMix64(seed: 0x5eed_0003)
        for _ in 0..<1000 {
            let message = SampleMessage(
                version: .random(in: 0...255, using: &rng), flag: .random(using: &rng),
                id: .random(in: 0...UInt64.max, using: &rng),
                sequence: VarInt(truncating: .random(in: 0...UInt64.max, using: &rng) >> UInt64.random(in: 0...63, using: &rng)),
                name: String(repeating: "é", count: .random(in: 0...16, using: &rng)),
                pairs: (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                    Pair(tag: .random(in: 0...0xffff, using: &rng), payload: Self.randomBytes(&rng, maxLength: 16))
                })
            let bytes = try message.wireBytes()
            #expect(try SampleMessage(wireBytes: bytes) == message)
            var mutated = bytes
            let index = Int.random(in: 0..<mutated.count, using: &rng)
            mutated[index] ^= UInt8.random(in: 1...255, using: &rng)
            if let decoded = try? SampleMessage(wireBytes: mutated) {
                #expect(try decoded.wireBytes() == mutated)
            }
        }
    }

    /// Decodes as many varints as possible from a whole buffer.
    static func wholeBuffer(_ bytes: [UInt8]) -> [VarInt] {
        bytes.withReader { r in
            var out: [VarInt] = []
            while let v = try? r.readVarInt() { out.append(v) }
            return out
        }
    }

    /// Decodes varints from bytes arriving one at a time, as a stream parser would: each
    /// arrival retries from the start of the unconsumed bytes; `.truncated` means wait.
    static func byteByByte(_ bytes: [UInt8]) -> [VarInt] {
        var out: [VarInt] = []
        var pending: [UInt8] = []
        for byte in bytes {
            pending.append(byte)
            let (values, consumed): ([VarInt], Int) = pending.withReader { r in
                var values: [VarInt] = []
                while let v = try? r.readVarInt() { values.append(v) }
                return (values, r.offset)
            }
            out += values
            pending.removeFirst(consumed)
        }
        return out
    }

    @Test("byte-by-byte and whole-buffer varint decoding agree")
    func incremental() {
        var rng = SplitMix64(seed: 0x5eed_0004)
        for _ in 0..<2000 {
            let bytes = Self.randomBytes(&rng, maxLength: 48)
            #expect(Self.byteByByte(bytes) == Self.wholeBuffer(bytes))
        }
    }

    @Test("byte-by-byte and whole-buffer message decoding agree")
    func incrementalMessages() throws {
        var rng = SplitMix64(seed: 0x5eed_0005)
        for _ in 0..<200 {
            var stream: [UInt8] = []
            var messages: [Pair] = []
            for _ in 0..<Int.random(in: 1...5, using: &rng) {
                let pair = Pair(tag: .random(in: 0...0xffff, using: &rng), payload: Self.randomBytes(&rng, maxLength: 16))
                messages.append(pair)
                stream += try pair.wireBytes()
            }
            var decoded: [Pair] = []
            var pending: [UInt8] = []
            for byte in stream {
                pending.append(byte)
                let (values, consumed): ([Pair], Int) = pending.withReader { r in
                    var values: [Pair] = []
                    while let v = try? r.read(Pair.self) { values.append(v) }
                    return (values, r.offset)
                }
                decoded += values
                pending.removeFirst(consumed)
            }
            #expect(decoded == messages && pending.isEmpty)
        }
    }
}
