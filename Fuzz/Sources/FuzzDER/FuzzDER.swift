// Fuzz target: KoriumTLS's strict DER reader and the X.509 certificate parser.
//
// Any input must either parse or give a typed DERError/X509Error, never trap or hang. Properties:
// a parsed element re-encodes (tag + minimal length + content) to exactly the input (DER has
// one encoding per value); a parsed certificate re-parses from its own `der` to an equal value,
// its TBSCertificate is a prefix-consistent slice of the input, and chain verification over it
// (as self-signed peer and as its own anchor) returns a typed result.
import FuzzSupport
import KoriumTLS

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDER(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput(data, size).bytes
    if let element = try? DER.parse(bytes) {
        fuzzCheck(DER.encode(tag: element.tag, content: element.content) == bytes, "DER re-encoding differs")
        fuzzCheck(element.encoded == bytes, "encoded view differs")
    }
    do {
        let cert = try Certificate(der: bytes)
        fuzzCheck(cert.der == bytes, "certificate der differs")
        let again = try Certificate(der: cert.der)
        fuzzCheck(again == cert, "certificate re-parse differs")
        fuzzCheck(cert.publicKey.count == 32 && cert.signature.count == 64, "key/signature sizes")
        _ = try? CertificateVerifier.verifySelfSigned(chain: [bytes], expectedKey: nil, now: cert.notBefore)
        _ = try? CertificateVerifier.verifyChain(chain: [bytes], trustAnchors: [cert], leafPolicy: .spiffe(trustDomain: nil), now: cert.notAfter)
        for uri in cert.uris { _ = try? SPIFFEID(uri) }
    } catch {
        // A typed X509Error is the expected outcome for malformed input.
    }
    return 0
}
