import KoriumQUIC
import Testing

@Suite("Packet numbers (RFC 9000 §17.1, Appendix A.2, A.3)")
struct PacketNumberTests {
    @Test("RFC 9000 §17.1 / A.2: encoding lengths from the examples")
    func encodingExamples() {
        // "sending a packet with a number of 0xac5c02 [...] at least 16 bits"
        #expect(PacketNumber.encodedLength(of: 0xac5c02, largestAcknowledged: 0xabe8b3) == 2)
        // "sending a packet with a number of 0xace8fe uses the 24-bit encoding"
        #expect(PacketNumber.encodedLength(of: 0xace8fe, largestAcknowledged: 0xabe8b3) == 3)
        #expect(PacketNumber.encodedLength(of: 0, largestAcknowledged: nil) == 1)
        // num_unacked = 128 → log2 + 1 = 8 bits → 1 byte; 129 → 2 bytes.
        #expect(PacketNumber.encodedLength(of: 128, largestAcknowledged: 0) == 1)
        #expect(PacketNumber.encodedLength(of: 129, largestAcknowledged: 0) == 2)
        #expect(PacketNumber.encodedLength(of: PacketNumber.max, largestAcknowledged: nil) == 4)
    }

    @Test("RFC 9000 §17.1 / A.3: 0x9b32 after 0xa82f30ea decodes to 0xa82f9b32")
    func decodingExample() {
        #expect(PacketNumber.decode(truncated: 0x9b32, length: 2, largestReceived: 0xa82f30ea) == 0xa82f9b32)
    }

    @Test("decoding picks the candidate nearest the expected number, wrapping both ways")
    func decodingWindows() {
        #expect(PacketNumber.decode(truncated: 0x00, length: 1, largestReceived: 0xff) == 0x100)
        #expect(PacketNumber.decode(truncated: 0xff, length: 1, largestReceived: 0x100) == 0xff)
        #expect(PacketNumber.decode(truncated: 0x05, length: 1, largestReceived: nil) == 5)
        // Near 2^62 the candidate must not go above the packet-number space.
        #expect(PacketNumber.decode(truncated: 0, length: 1, largestReceived: PacketNumber.max - 1) <= PacketNumber.max)
    }

    @Test("encode-then-decode recovers the number whenever the peer is within the window")
    func roundTrip() {
        var rng = SeededGenerator(seed: 17)
        for _ in 0..<20_000 {
            let largestAcked = UInt64.random(in: 0...(1 << 40), using: &rng)
            let full = largestAcked + UInt64.random(in: 1...(1 << 20), using: &rng)
            let length = PacketNumber.encodedLength(of: full, largestAcknowledged: largestAcked)
            let truncated = full & ((1 << UInt64(8 * length)) - 1)
            // The receiver has seen anything between largest acknowledged and full − 1.
            let largestReceived = UInt64.random(in: largestAcked...(full - 1), using: &rng)
            #expect(PacketNumber.decode(truncated: truncated, length: length, largestReceived: largestReceived) == full)
        }
    }
}
