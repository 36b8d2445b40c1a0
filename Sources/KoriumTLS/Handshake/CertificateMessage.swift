import KoriumWire

/// Certificate (RFC 8446 §4.4.2) with X.509 entries.
public struct CertificateMessage: Sendable, Hashable {
    /// One `CertificateEntry`: DER certificate and its extensions.
    public struct Entry: Sendable, Hashable {
        /// `opaque cert_data<1..2^24-1>`: one DER certificate.
        public var certificate: [UInt8]
        /// Per-certificate extensions (OCSP, SCT); we send none and ignore none-recognised ones.
        public var extensions: [TLSExtension]

        /// Creates an entry.
        public init(certificate: [UInt8], extensions: [TLSExtension] = []) {
            self.certificate = certificate
            self.extensions = extensions
        }
    }

    /// Bounds the chain length a peer can send (leaf + intermediates).
    public static let maxEntries = 8

    /// certificate_request_context<0..2^8-1>.
    public var context: [UInt8]
    /// certificate_list<0..2^24-1>, leaf first.
    public var entries: [Entry]

    /// Creates the message.
    public init(context: [UInt8] = [], entries: [Entry]) {
        self.context = context
        self.entries = entries
    }

    /// Decodes the body.
    public init(body: [UInt8]) throws(TLSError) {
        self = try body.parseTLS { (r: inout ByteReader) throws(TLSError) -> CertificateMessage in
            let context = try r.tlsOpaque(prefixBytes: 1, max: 0xff)
            var list = try r.tlsVector(prefixBytes: 3, max: 0xff_ffff)
            var entries: [Entry] = []
            while !list.isAtEnd {
                guard entries.count < CertificateMessage.maxEntries else {
                    throw TLSError(.badCertificate, "certificate chain longer than \(CertificateMessage.maxEntries)")
                }
                let cert = try list.tlsOpaque(prefixBytes: 3, min: 1, max: 0xff_ffff)
                let extensions = try Extensions.read(&list)
                entries.append(Entry(certificate: cert, extensions: extensions))
            }
            return CertificateMessage(context: context, entries: entries)
        }
    }

    /// The framed handshake message.
    public func encoded() -> [UInt8] {
        var w = TLSWriter()
        w.opaque(prefixBytes: 1, context)
        w.vector(prefixBytes: 3) { (l: inout TLSWriter) in
            for e in entries {
                l.opaque(prefixBytes: 3, e.certificate)
                Extensions.write(e.extensions, into: &l)
            }
        }
        return HandshakeFraming.frame(.certificate, w.bytes)
    }
}
