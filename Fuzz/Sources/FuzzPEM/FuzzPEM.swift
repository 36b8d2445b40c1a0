// Fuzz target: KoriumTLS's PEM decoder (RFC 7468, base64), PKCS#8 Ed25519 private keys
// (RFC 8410 §7) and SubjectPublicKeyInfo.
//
// Any input must either decode or give a typed PEMError, never trap or hang. Properties: every
// decoded block re-encodes to PEM that decodes to the same block (canonical base64); a key that
// parses re-encodes (v1) to PKCS#8 that parses to the same key; a SubjectPublicKeyInfo that
// parses re-encodes to exactly its input (DER has one encoding per value).
import FuzzSupport
import KoriumTLS

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPEM(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput(data, size).bytes
    if let blocks = try? PEM.decode(bytes) {
        for block in blocks {
            let again = try? PEM.decode(PEM.encode(block))
            fuzzCheck(again == [block], "PEM re-encoding differs")
        }
    }
    // The raw bytes as DER too, so the key parsers get coverage without base64 in the way.
    if let key = try? PKCS8.ed25519PrivateKey(der: bytes) {
        let reparsed = try? PKCS8.ed25519PrivateKey(der: PKCS8.encode(privateKey: key))
        fuzzCheck(reparsed?.publicKey == key.publicKey, "PKCS#8 re-encoding differs")
    }
    if let key = try? PKCS8.ed25519PublicKey(subjectPublicKeyInfo: bytes) {
        fuzzCheck(PKCS8.encodeSubjectPublicKeyInfo(publicKey: key) == bytes, "SPKI re-encoding differs")
    }
    return 0
}
