import KoriumCrypto
import Testing

@testable import KoriumTLS

/// The running transcript hash must equal hashing the whole transcript at every point.
@Suite struct TranscriptHashTests {
    @Test func snapshotsEqualFullHashesAfterEveryAppend() {
        var running = TranscriptHash()
        var transcript: [UInt8] = []
        for (i, length) in [0, 1, 63, 64, 65, 200, 1_000, 3].enumerated() {
            transcript += (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) }
            #expect(running.digest(of: transcript, .sha256) == SHA256.hash(transcript))
            // Asking twice without appending absorbs nothing new.
            #expect(running.digest(of: transcript, .sha256) == SHA256.hash(transcript))
        }
    }

    @Test func algorithmChangeAndResetStartOver() {
        var running = TranscriptHash()
        var transcript: [UInt8] = Array(repeating: 7, count: 150)
        #expect(running.digest(of: transcript, .sha256) == SHA256.hash(transcript))
        #expect(running.digest(of: transcript, .sha384) == SHA384.hash(transcript))
        // A replaced transcript (HelloRetryRequest's message_hash) after reset().
        transcript = [254, 0, 0, 32] + SHA256.hash(transcript)
        running.reset()
        #expect(running.digest(of: transcript, .sha256) == SHA256.hash(transcript))
        // A shorter transcript without reset() also starts over rather than returning garbage.
        transcript = [1, 2, 3]
        #expect(running.digest(of: transcript, .sha256) == SHA256.hash(transcript))
    }
}
