// Fuzz target: KoriumGossip's RPC and control-message parser (KoriumWire codec).
//
// The first byte picks the entry point (whole RPC, control part alone, one PRUNE with peer
// records, one IHAVE); the rest is decoded. A decoded value must re-encode to exactly the bytes
// consumed (the codec is canonical), its arithmetic `wireSize` must equal the encoding length,
// and a failed decode must leave the reader where it was. Finally a decoded RPC is fed to a
// router with a connected peer, which must not trap on any of it.
import FuzzSupport
import KoriumCrypto
import KoriumGossip

nonisolated(unsafe) var router: DefaultGossipRouter? = nil
let fuzzPeer = GossipPeerID(1, 2, 3, 4)

struct FuzzRNG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func check<T: WireEncodable & WireDecodable & Equatable>(_ type: T.Type, _ bytes: [UInt8], size: (T) -> Int?) -> T? {
    bytes.withReader { reader -> T? in
        let before = reader.offset
        do throws(WireError) {
            let value = try T(from: &reader)
            let consumed = Array(bytes[before..<reader.offset])
            let again = try? value.wireBytes()
            fuzzCheck(again == consumed, "re-encoding differs from the consumed bytes")
            if let s = size(value) { fuzzCheck(s == consumed.count, "wireSize differs from encoding") }
            return value
        } catch {
            fuzzCheck(reader.offset == before, "failed decode moved the offset")
            return nil
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGossipRPC(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.takeUInt8()
    let rest = input.takeRest()
    switch selector % 4 {
    case 0:
        guard let rpc = check(GossipRPC.self, rest, size: { $0.wireSize }) else { return 0 }
        if router == nil {
            let key = Ed25519.PrivateKey.generate()
            var r = DefaultGossipRouter(key: key)
            var rng = FuzzRNG(state: 1)
            r.addPeer(fuzzPeer, outbound: true, address: 1, now: .zero)
            try? r.subscribe("t", now: .zero, rng: &rng)
            router = r
        }
        var rng = FuzzRNG(state: UInt64(size))
        router?.handleRPC(rpc, from: fuzzPeer, now: GossipInstant(nanoseconds: Int64(size) * 1_000_000), rng: &rng)
        router?.handleHeartbeat(now: GossipInstant(nanoseconds: Int64(size) * 1_000_000 + 1), rng: &rng)
        while router?.pollTransmit() != nil {}
        while router?.pollEvent() != nil {}
    case 1:
        _ = check(GossipControl.self, rest, size: { _ in nil })
    case 2:
        _ = check(GossipPrune.self, rest, size: { _ in nil })
    default:
        _ = check(GossipIHave.self, rest, size: { _ in nil })
    }
    return 0
}
