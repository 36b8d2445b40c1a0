import Foundation
import KoriumCrypto
import KoriumGossip
import KoriumWire
import Testing

/// The RPC codec against seeds written independently by
/// `Vectors/generators/gossip_fuzz_seeds.py` (Python, OpenSSL Ed25519 signatures).
@Suite struct GossipCodecTests {
    static let seedDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus/FuzzGossipRPC")

    func seed(_ name: String) throws -> [UInt8] {
        let bytes = [UInt8](try Data(contentsOf: Self.seedDirectory.appendingPathComponent(name)))
        return Array(bytes.dropFirst())   // selector byte
    }

    /// The generator's key: Ed25519 seed 00 01 … 1f.
    var pythonKey: Ed25519.PrivateKey { (try? Ed25519.PrivateKey(seed: (0..<32).map { UInt8($0) }))! }

    @Test func pythonMessageDecodesAndVerifies() throws {
        let bytes = try seed("seed-message")
        let rpc = try GossipRPC(wireBytes: bytes)
        #expect(rpc.messages.count == 1)
        let m = rpc.messages[0]
        #expect(m.topic == "t" && m.data == Array("hello".utf8) && m.seqno == 7)
        #expect(m.source == GossipPeerID(bytes: pythonKey.publicKey.rawRepresentation))
        #expect(m.hasValidSignature)   // OpenSSL signature over our signed-bytes layout
        // Same fields signed in Swift give the same bytes (Ed25519 is deterministic).
        let ours = GossipRPC(messages: [GossipMessage(signing: Array("hello".utf8), topic: "t", seqno: 7, key: pythonKey)])
        #expect(try ours.wireBytes() == bytes)
        #expect(ours.wireSize == bytes.count)
    }

    @Test func pythonControlAndPeerRecords() throws {
        let bytes = try seed("seed-all-control")
        let rpc = try GossipRPC(wireBytes: bytes)
        #expect(rpc.control.graft == ["t"])
        #expect(rpc.control.ihave.first?.messageIDs.map(\.seqno) == [1, 2])
        #expect(rpc.control.iwant.map(\.seqno) == [3])
        #expect(rpc.control.idontwant.map(\.seqno) == [4])
        let prune = try #require(rpc.control.prune.first)
        #expect(prune.backoffSeconds == 60)
        #expect(prune.peers.first?.isValid(now: GossipInstant(nanoseconds: 2_000_000_000)) == true)
        // A record from the future (beyond 5 s of tolerance) is refused.
        #expect(prune.peers.first?.isValid(now: .zero) == true)   // 1 s ahead of 0: within tolerance
        var late = try #require(prune.peers.first)
        late.timestampMillis = 10_000
        #expect(!late.isValid(now: .zero))
        #expect(try rpc.wireBytes() == bytes)
        #expect(rpc.wireSize == bytes.count)
    }

    @Test func everySeedRoundTrips() throws {
        for name in ["seed-empty-rpc", "seed-subscribe", "seed-message", "seed-large-message", "seed-all-control"] {
            let bytes = try seed(name)
            let rpc = try GossipRPC(wireBytes: bytes)
            #expect(try rpc.wireBytes() == bytes, "\(name)")
            #expect(rpc.wireSize == bytes.count, "\(name)")
        }
    }

    @Test func capsAreEnforced() throws {
        let id = GossipMessageID(source: GossipPeerID(1, 2, 3, 4), seqno: 9)
        let long = GossipIHave(topic: "t", messageIDs: Array(repeating: id, count: GossipLimits.maxIHaveLength + 1))
        #expect(throws: WireError.lengthExceedsLimit(length: 101, limit: 100)) { try long.wireBytes() }
        // The decoder refuses the same count before reading the IDs.
        var w = ByteWriter()
        try w.writeString("t")
        try w.writeVarInt(VarInt(UInt64(101)))
        #expect(throws: WireError.lengthExceedsLimit(length: 101, limit: 100)) { try GossipIHave(wireBytes: w.bytes) }
        let bigTopic = String(repeating: "a", count: GossipLimits.maxTopicLength + 1)
        #expect(throws: WireError.self) { try GossipSubscription(subscribe: true, topic: bigTopic).wireBytes() }
        var m = GossipMessage(signing: [], topic: "t", seqno: 1, key: pythonKey)
        m.data = [UInt8](repeating: 0, count: GossipLimits.maxMessageSize + 1)
        #expect(throws: WireError.self) { try m.wireBytes() }
    }

    /// Arbitrary bytes and every truncation of a real RPC give typed errors, never a trap.
    @Test func garbageAndTruncationsAreTypedErrors() throws {
        let bytes = try seed("seed-all-control")
        for n in 0..<bytes.count {
            #expect(throws: WireError.self) { try GossipRPC(wireBytes: Array(bytes.prefix(n))) }
        }
        var state: UInt64 = 42
        var decoded = 0
        for _ in 0..<2_000 {
            var input: [UInt8] = []
            for _ in 0..<Int(state % 200) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                input.append(UInt8(truncatingIfNeeded: state >> 33))
            }
            state = state &* 6364136223846793005 &+ 1442695040888963407
            if let rpc = try? GossipRPC(wireBytes: input) {
                decoded += 1
                #expect(try rpc.wireBytes() == input)
            }
        }
        #expect(decoded < 2_000)
    }

    @Test func wireSizeMatchesEncoding() throws {
        let key = pythonKey
        let record = GossipPeerRecord(signing: [[1, 2, 3], []], timestampMillis: 5, key: key)
        let rpc = GossipRPC(
            subscriptions: [GossipSubscription(subscribe: true, topic: "a"), GossipSubscription(subscribe: false, topic: "bb")],
            messages: [GossipMessage(signing: [UInt8](repeating: 7, count: 70_000 / 2), topic: "a", seqno: 1 << 40, key: key)],
            control: GossipControl(
                ihave: [GossipIHave(topic: "a", messageIDs: [GossipMessageID(source: GossipPeerID(1, 1, 1, 1), seqno: 1)])],
                iwant: [GossipMessageID(source: GossipPeerID(2, 2, 2, 2), seqno: 2)], graft: ["a", "c"],
                prune: [GossipPrune(topic: "a", peers: [record], backoffSeconds: 60)],
                idontwant: [GossipMessageID(source: GossipPeerID(3, 3, 3, 3), seqno: 3)]))
        let bytes = try rpc.wireBytes()
        #expect(rpc.wireSize == bytes.count)
        #expect(try GossipRPC(wireBytes: bytes) == rpc)
    }
}
