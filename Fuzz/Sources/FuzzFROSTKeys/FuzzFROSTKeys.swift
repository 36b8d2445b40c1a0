// Fuzz target: KoriumFROST key-material parsers — FROSTIdentifier, KeyPackage,
// PublicKeyPackage, SecretShare (dealer output) and VSSCommitment.
//
// The first input byte picks the parser, the rest is the message. Malformed bytes must give a
// WireError; whatever decodes must re-encode to exactly the consumed bytes (one encoding per
// value) and satisfy the type's invariants (a key package's verifying share is its signing share
// times B; a dealt share either passes vss_verify or is refused with a typed error).
import FuzzSupport
import KoriumCrypto
import KoriumFROST

@inline(__always)
func roundTrip<T: WireCodable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
    guard let value = try? T(wireBytes: bytes) else { return nil }
    let again = try? value.wireBytes()
    fuzzCheck(again == bytes, "\(T.self) does not re-encode to its input")
    return value
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFROSTKeys(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.takeUInt8()
    let message = input.takeRest()
    switch selector % 5 {
    case 0:
        if let id = roundTrip(FROSTIdentifier.self, message) {
            fuzzCheck(!id.scalar.isZero, "zero identifier decoded")
        }
    case 1:
        if let kp = roundTrip(KeyPackage.self, message) {
            fuzzCheck(kp.signingShare.publicPoint == kp.verifyingShare, "key package shares disagree")
            fuzzCheck(kp.minSigners >= 2, "threshold below 2")
        }
    case 2:
        if let pkp = roundTrip(PublicKeyPackage.self, message) {
            let ids = pkp.identifiers
            fuzzCheck(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "identifiers not ascending")
            fuzzCheck(pkp.minSigners <= pkp.maxSigners, "threshold above participant count")
        }
    case 3:
        if let share = roundTrip(SecretShare.self, message) {
            do throws(FROSTError) {
                let kp = try KeyPackage(verifying: share)
                fuzzCheck(share.commitment.verify(share: kp.signingShare.scalar, for: kp.identifier), "accepted bad share")
            } catch {
                fuzzCheck(error == .invalidDealerShare || error == .identityElement, "unexpected error \(error)")
            }
        }
    default:
        if let c = roundTrip(VSSCommitment.self, message) {
            fuzzCheck(c.threshold >= 1 && c.threshold <= FROSTLimits.maxParticipants, "threshold out of range")
        }
    }
    return 0
}
