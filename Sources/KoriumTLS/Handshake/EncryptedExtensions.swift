import KoriumWire

/// EncryptedExtensions (RFC 8446 §4.3.1).
public struct EncryptedExtensions: Sendable, Hashable {
    /// extensions<0..2^16-1>.
    public var extensions: [TLSExtension]

    /// Creates the message.
    public init(extensions: [TLSExtension]) { self.extensions = extensions }

    /// Decodes the body.
    public init(body: [UInt8]) throws(TLSError) {
        extensions = try body.parseTLS { (r: inout ByteReader) throws(TLSError) -> [TLSExtension] in
            try Extensions.read(&r)
        }
    }

    /// The framed handshake message.
    public func encoded() -> [UInt8] {
        var w = TLSWriter()
        Extensions.write(extensions, into: &w)
        return HandshakeFraming.frame(.encryptedExtensions, w.bytes)
    }
}
