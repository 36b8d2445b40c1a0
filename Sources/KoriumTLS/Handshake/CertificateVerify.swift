import KoriumWire

/// CertificateVerify (RFC 8446 §4.4.3).
public struct CertificateVerify: Sendable, Hashable {
    /// The signature scheme.
    public var algorithm: UInt16
    /// `opaque signature<0..2^16-1>`.
    public var signature: [UInt8]

    /// Creates the message.
    public init(algorithm: UInt16, signature: [UInt8]) {
        self.algorithm = algorithm
        self.signature = signature
    }

    /// Decodes the body.
    public init(body: [UInt8]) throws(TLSError) {
        self = try body.parseTLS { (r: inout ByteReader) throws(TLSError) -> CertificateVerify in
            let algorithm = try r.tlsUInt16()
            let signature = try r.tlsOpaque(prefixBytes: 2, max: 0xffff)
            return CertificateVerify(algorithm: algorithm, signature: signature)
        }
    }

    /// The framed handshake message.
    public func encoded() -> [UInt8] {
        var w = TLSWriter()
        w.u16(algorithm)
        w.opaque(prefixBytes: 2, signature)
        return HandshakeFraming.frame(.certificateVerify, w.bytes)
    }

    /// The signed content (RFC 8446 §4.4.3): 64 spaces, the context string, a zero byte, and
    /// the transcript hash.
    static func signedContent(isServer: Bool, transcriptHash: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0x20, count: 64)
        out.append(contentsOf: Array((isServer ? "TLS 1.3, server CertificateVerify" : "TLS 1.3, client CertificateVerify").utf8))
        out.append(0)
        out.append(contentsOf: transcriptHash)
        return out
    }
}
