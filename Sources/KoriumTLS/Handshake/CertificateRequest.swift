import KoriumWire

/// CertificateRequest (RFC 8446 §4.3.2).
public struct CertificateRequest: Sendable, Hashable {
    /// certificate_request_context<0..2^8-1>; empty during the handshake.
    public var context: [UInt8]
    /// extensions<2..2^16-1>; signature_algorithms is mandatory.
    public var extensions: [TLSExtension]

    /// Creates the message.
    public init(context: [UInt8] = [], extensions: [TLSExtension]) {
        self.context = context
        self.extensions = extensions
    }

    /// Decodes the body.
    public init(body: [UInt8]) throws(TLSError) {
        self = try body.parseTLS { (r: inout ByteReader) throws(TLSError) -> CertificateRequest in
            let context = try r.tlsOpaque(prefixBytes: 1, max: 0xff)
            let extensions = try Extensions.read(&r, min: 2)
            return CertificateRequest(context: context, extensions: extensions)
        }
    }

    /// The framed handshake message.
    public func encoded() -> [UInt8] {
        var w = TLSWriter()
        w.opaque(prefixBytes: 1, context)
        Extensions.write(extensions, into: &w)
        return HandshakeFraming.frame(.certificateRequest, w.bytes)
    }
}
