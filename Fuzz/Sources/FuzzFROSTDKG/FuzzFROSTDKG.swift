// Fuzz target: KoriumFROST key-generation parsers — DKGRound1Package, DKGRound2Package and
// RefreshCommitment — and the proof-of-knowledge check on whatever decodes.
//
// The first input byte picks the parser, the rest is the message. Malformed bytes must give a
// WireError; decoded values must re-encode to exactly their input. A decoded round-one package
// with threshold 2 is checked by a fixed 2-of-2 participant (DKG.part2), which must refuse it
// with a typed error naming its sender unless its proof of knowledge is valid.
import FuzzSupport
import KoriumCrypto
import KoriumFROST

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Participant 1 of a 2-of-2 DKG, after round one (built once).
let participant: DKG.Round1Secret? = {
    var rng = SplitMix(state: 0xd6)
    guard let id = try? FROSTIdentifier(1) else { return nil }
    return try? DKG.part1(identifier: id, minSigners: 2, maxSigners: 2, using: &rng).0
}()

@inline(__always)
func roundTrip<T: WireCodable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
    guard let value = try? T(wireBytes: bytes) else { return nil }
    let again = try? value.wireBytes()
    fuzzCheck(again == bytes, "\(T.self) does not re-encode to its input")
    return value
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFROSTDKG(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.takeUInt8()
    let message = input.takeRest()
    switch selector % 3 {
    case 0:
        guard let package = roundTrip(DKGRound1Package.self, message), let participant else { return 0 }
        do throws(FROSTError) {
            let (_, shares) = try DKG.part2(secret: participant, round1Packages: [package])
            fuzzCheck(shares.count == 1 && shares[0].recipient == package.identifier, "shares misrouted")
        } catch {
            switch error {
            case .invalidProofOfKnowledge(let c), .invalidCommitmentLength(let c):
                fuzzCheck(c == package.identifier, "wrong culprit")
            case .duplicateIdentifier: break
            default: fuzzCheck(false, "unexpected error \(error)")
            }
        }
    case 1:
        _ = roundTrip(DKGRound2Package.self, message)
    default:
        if let c = roundTrip(RefreshCommitment.self, message) {
            fuzzCheck(!c.coefficients.isEmpty, "empty refresh commitment decoded")
        }
    }
    return 0
}
