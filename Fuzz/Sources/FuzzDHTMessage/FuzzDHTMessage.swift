// Fuzz target: KoriumDHT's message parser (KoriumWire codec).
//
// The first byte picks the entry point (whole message via DHTMessage.parse, one record, one
// contact); the rest is decoded. A decoded value must re-encode to exactly the bytes consumed
// (the codec is canonical), its arithmetic `encodedSize` must equal the encoding length, and a
// failed decode must leave the reader where it was. A decoded message is then handed to a DHT
// node (both as a request and as a response), which must not trap on any of it.
import FuzzSupport
import KoriumCrypto
import KoriumDHT

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

let fuzzNow = DHTInstant(nanoseconds: 1_700_000_000 * 1_000_000_000)
nonisolated(unsafe) var fuzzNode: DHTNode? = nil

func makeNode() -> DHTNode {
    var rng = FuzzRNG(state: 1)
    var config = DHTConfig()
    config.powDifficulty = 0
    let identity: DHTIdentity
    do { identity = try DHTIdentity.generate(difficulty: 0, using: &rng) } catch { fatalError("identity: \(error)") }
    var node = DHTNode(identity: identity, address: .ipv4(0x0a00_0001, port: 1), config: config)
    node.start(bootstrap: [], now: fuzzNow, rng: &rng)
    while node.pollTransmit() != nil {}
    return node
}

func decodeChecked<T: WireEncodable & WireDecodable & Equatable>(_: T.Type, _ bytes: [UInt8], size: (T) -> Int) -> T? {
    bytes.withReader { reader -> T? in
        let before = reader.offset
        do throws(WireError) {
            let value = try T(from: &reader)
            let consumed = Array(bytes[before..<reader.offset])
            fuzzCheck((try? value.wireBytes()) == consumed, "re-encoding differs from the consumed bytes")
            fuzzCheck(size(value) == consumed.count, "encodedSize differs from the encoding")
            return value
        } catch {
            fuzzCheck(reader.offset == before, "failed decode moved the offset")
            return nil
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDHTMessage(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.takeUInt8()
    let bytes = input.takeRest()
    switch selector % 3 {
    case 0:
        guard let message = try? DHTMessage.parse(bytes) else { return 0 }
        fuzzCheck((try? message.wireBytes()) == bytes, "re-encoding differs")
        fuzzCheck(message.encodedSize == bytes.count, "encodedSize differs")
        if fuzzNode == nil { fuzzNode = makeNode() }
        var rng = FuzzRNG(state: UInt64(size))
        fuzzNode?.handle(message, from: message.sender.address, now: fuzzNow, rng: &rng)
        fuzzNode?.handleTimeout(now: fuzzNow + .seconds(4), rng: &rng)
        while fuzzNode?.pollTransmit() != nil {}
        while fuzzNode?.pollEvent() != nil {}
    case 1:
        if let record = decodeChecked(DHTRecord.self, bytes, size: { $0.encodedSize }) {
            _ = try? record.validate(now: fuzzNow)
            _ = record.key
        }
    default:
        _ = decodeChecked(Contact.self, bytes, size: { $0.encodedSize })
    }
    return 0
}
