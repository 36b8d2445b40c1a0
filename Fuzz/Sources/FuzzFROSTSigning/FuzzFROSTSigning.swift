// Fuzz target: KoriumFROST signing parsers — SigningCommitments, SigningPackage,
// SignatureShare, Signature and SigningNonces — and the coordinator's math on whatever decodes.
//
// The first input byte picks the parser, the rest is the message. Malformed bytes must give a
// WireError; decoded values must re-encode to exactly their input. A decoded signing package is
// fed to share verification and aggregation against a fixed 2-of-3 group (typed errors only); a
// decoded signature is verified against the group key (a Bool, never a trap).
import FuzzSupport
import KoriumCrypto
import KoriumFROST

/// A fixed group for the arithmetic paths (built once).
let group: PublicKeyPackage? = {
    var rng = SplitMix(state: 0x5eed)
    return try? TrustedDealer.generate(minSigners: 2, maxSigners: 3, using: &rng).publicKeyPackage
}()

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

@inline(__always)
func roundTrip<T: WireCodable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
    guard let value = try? T(wireBytes: bytes) else { return nil }
    let again = try? value.wireBytes()
    fuzzCheck(again == bytes, "\(T.self) does not re-encode to its input")
    return value
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFROSTSigning(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.takeUInt8()
    let message = input.takeRest()
    switch selector % 5 {
    case 0:
        _ = roundTrip(SigningCommitments.self, message)
    case 1:
        guard let package = roundTrip(SigningPackage.self, message), let group else { return 0 }
        let ids = package.identifiers
        fuzzCheck(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "commitments not ascending")
        // Shares of zero from every listed signer: the math runs, and anything wrong is typed.
        let shares = ids.map { SignatureShare(identifier: $0, share: .zero) }
        do throws(FROSTError) {
            _ = try FROST.aggregate(signingPackage: package, signatureShares: shares, publicKeyPackage: group)
            fuzzCheck(false, "zero shares aggregated into a valid signature")
        } catch {}
        if let first = shares.first {
            _ = try? FROST.verifySignatureShare(first, signingPackage: package, publicKeyPackage: group)
        }
    case 2:
        _ = roundTrip(SignatureShare.self, message)
    case 3:
        if let sig = roundTrip(Signature.self, message), let group {
            _ = FROST.verify(signature: sig, message: message, groupPublicKey: group.groupPublicKey)
        }
    default:
        if let nonces = try? SigningNonces(wireBytes: message) {
            let again = try? nonces.wireBytes()
            fuzzCheck(again == message, "nonces do not re-encode to their input")
        }
    }
    return 0
}
