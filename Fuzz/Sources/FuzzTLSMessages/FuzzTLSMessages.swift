// Fuzz target: every TLS 1.3 handshake message parser in KoriumTLS (RFC 8446 §4).
//
// The first input byte picks the parser (ClientHello, ServerHello/HRR, EncryptedExtensions,
// CertificateRequest, Certificate, CertificateVerify, Finished, NewSessionTicket, and the
// extension-body decoders); the rest is the message body. Malformed bodies must give a typed
// TLSError; a body that parses must re-encode to exactly the same bytes (the parsers keep every
// field, including unknown extensions and their order).
import FuzzSupport
import KoriumTLS

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTLSMessages(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.takeUInt8()
    let body = input.takeRest()
    func roundTrip(_ type: HandshakeType, _ encoded: [UInt8]) {
        fuzzCheck(encoded == HandshakeFraming.frame(type, body), "\(type) re-encoding differs")
    }
    switch selector % 9 {
    case 0:
        if let m = try? ClientHello(body: body) { roundTrip(.clientHello, m.encoded()) }
    case 1:
        if let m = try? ServerHello(body: body) { roundTrip(.serverHello, m.encoded()) }
    case 2:
        if let m = try? EncryptedExtensions(body: body) { roundTrip(.encryptedExtensions, m.encoded()) }
    case 3:
        if let m = try? CertificateRequest(body: body) { roundTrip(.certificateRequest, m.encoded()) }
    case 4:
        if let m = try? CertificateMessage(body: body) {
            roundTrip(.certificate, m.encoded())
            fuzzCheck(m.entries.count <= CertificateMessage.maxEntries, "entry cap")
        }
    case 5:
        if let m = try? CertificateVerify(body: body) { roundTrip(.certificateVerify, m.encoded()) }
    case 6:
        for length in [32, 48] {
            if let m = try? Finished(body: body, hashLength: length) { roundTrip(.finished, m.encoded()) }
        }
    case 7:
        if let m = try? NewSessionTicket(body: body) { roundTrip(.newSessionTicket, m.encoded()) }
    default:
        // The extension bodies, through a ClientHello carrying the input as each extension.
        for type in [ExtensionType.serverName, .supportedGroups, .signatureAlgorithms, .alpn, .supportedVersions,
                     .keyShare, .cookie, .quicTransportParameters] {
            let hello = ClientHello(random: [UInt8](repeating: 0, count: 32), cipherSuites: [0x1303],
                                    extensions: [TLSExtension(type: type, data: body),
                                                 TLSExtension(type: ExtensionType(rawValue: 0xfafa), data: [])])
            let encoded = hello.encoded()
            if let parsed = try? ClientHello(body: Array(encoded.dropFirst(4))) {
                fuzzCheck(parsed == hello, "ClientHello with \(type) round trip")
            }
        }
    }
    return 0
}
