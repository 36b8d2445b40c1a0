import KoriumWire

/// ServerHello or HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4): same structure, an HRR has the
/// special random ``helloRetryRequestRandom``.
public struct ServerHello: Sendable, Hashable {
    /// legacy_version; 0x0303.
    public var legacyVersion: UInt16 = ProtocolVersion.tls12
    /// 32 bytes; the HRR constant for a HelloRetryRequest.
    public var random: [UInt8]
    /// legacy_session_id_echo<0..32>.
    public var legacySessionIDEcho: [UInt8]
    /// The selected cipher suite.
    public var cipherSuite: UInt16
    /// legacy_compression_method; 0.
    public var compressionMethod: UInt8 = 0
    /// extensions<6..2^16-1>.
    public var extensions: [TLSExtension]

    /// Creates a ServerHello.
    public init(random: [UInt8], legacySessionIDEcho: [UInt8], cipherSuite: UInt16, extensions: [TLSExtension]) {
        self.random = random
        self.legacySessionIDEcho = legacySessionIDEcho
        self.cipherSuite = cipherSuite
        self.extensions = extensions
    }

    /// Whether this is a HelloRetryRequest.
    public var isHelloRetryRequest: Bool { random == helloRetryRequestRandom }

    /// Decodes a ServerHello body.
    public init(body: [UInt8]) throws(TLSError) {
        self = try body.parseTLS { (r: inout ByteReader) throws(TLSError) -> ServerHello in
            let version = try r.tlsUInt16()
            let random = try r.tlsBytes(32)
            let session = try r.tlsOpaque(prefixBytes: 1, max: 32)
            let suite = try r.tlsUInt16()
            let compression = try r.tlsUInt8()
            let extensions = try Extensions.read(&r, min: 0)
            var hello = ServerHello(random: random, legacySessionIDEcho: session, cipherSuite: suite, extensions: extensions)
            hello.legacyVersion = version
            hello.compressionMethod = compression
            return hello
        }
    }

    /// The encoded body.
    public func encodedBody() -> [UInt8] {
        var w = TLSWriter()
        w.u16(legacyVersion)
        w.raw(random)
        w.opaque(prefixBytes: 1, legacySessionIDEcho)
        w.u16(cipherSuite)
        w.u8(compressionMethod)
        Extensions.write(extensions, into: &w)
        return w.bytes
    }

    /// The framed handshake message.
    public func encoded() -> [UInt8] { HandshakeFraming.frame(.serverHello, encodedBody()) }
}
