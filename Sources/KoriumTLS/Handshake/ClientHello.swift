import KoriumWire

/// ClientHello (RFC 8446 §4.1.2).
public struct ClientHello: Sendable, Hashable {
    /// legacy_version; 0x0303 in TLS 1.3.
    public var legacyVersion: UInt16 = ProtocolVersion.tls12
    /// 32 random bytes.
    public var random: [UInt8]
    /// legacy_session_id<0..32>; empty in QUIC (RFC 9001 §8.4).
    public var legacySessionID: [UInt8] = []
    /// cipher_suites<2..2^16-2>.
    public var cipherSuites: [UInt16]
    /// legacy_compression_methods<1..2^8-1>; exactly [0] in TLS 1.3.
    public var compressionMethods: [UInt8] = [0]
    /// extensions<8..2^16-1>.
    public var extensions: [TLSExtension]

    /// Creates a ClientHello.
    public init(random: [UInt8], legacySessionID: [UInt8] = [], cipherSuites: [UInt16], extensions: [TLSExtension]) {
        self.random = random
        self.legacySessionID = legacySessionID
        self.cipherSuites = cipherSuites
        self.extensions = extensions
    }

    /// Decodes a ClientHello body (without the 4-byte handshake header).
    public init(body: [UInt8]) throws(TLSError) {
        self = try body.parseTLS { (r: inout ByteReader) throws(TLSError) -> ClientHello in
            let version = try r.tlsUInt16()
            let random = try r.tlsBytes(32)
            let session = try r.tlsOpaque(prefixBytes: 1, max: 32)
            var suitesReader = try r.tlsVector(prefixBytes: 2, min: 2, max: 0xfffe)
            guard suitesReader.remaining % 2 == 0 else { throw TLSError(.decodeError, "odd cipher_suites length") }
            var suites: [UInt16] = []
            while !suitesReader.isAtEnd { suites.append(try suitesReader.tlsUInt16()) }
            let compression = try r.tlsOpaque(prefixBytes: 1, min: 1, max: 0xff)
            // RFC 8446 §4.1.2: a TLS 1.3 ClientHello has extensions (at least supported_versions).
            let extensions = try Extensions.read(&r, min: 8)
            var hello = ClientHello(random: random, legacySessionID: session, cipherSuites: suites, extensions: extensions)
            hello.legacyVersion = version
            hello.compressionMethods = compression
            return hello
        }
    }

    /// The encoded body (without the handshake header).
    public func encodedBody() -> [UInt8] {
        var w = TLSWriter()
        w.u16(legacyVersion)
        w.raw(random)
        w.opaque(prefixBytes: 1, legacySessionID)
        w.vector(prefixBytes: 2) { (l: inout TLSWriter) in for s in cipherSuites { l.u16(s) } }
        w.opaque(prefixBytes: 1, compressionMethods)
        Extensions.write(extensions, into: &w)
        return w.bytes
    }

    /// The framed handshake message.
    public func encoded() -> [UInt8] { HandshakeFraming.frame(.clientHello, encodedBody()) }
}
