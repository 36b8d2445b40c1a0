import KoriumWire

/// NewSessionTicket (RFC 8446 §4.6.1). Parsed for validity and then ignored (no resumption yet).
public struct NewSessionTicket: Sendable, Hashable {
    /// ticket_lifetime in seconds (at most 7 days).
    public var lifetime: UInt32
    /// ticket_age_add.
    public var ageAdd: UInt32
    /// ticket_nonce<0..255>.
    public var nonce: [UInt8]
    /// ticket<1..2^16-1>.
    public var ticket: [UInt8]
    /// extensions<0..2^16-2>.
    public var extensions: [TLSExtension]

    /// Creates the message.
    public init(lifetime: UInt32, ageAdd: UInt32, nonce: [UInt8], ticket: [UInt8], extensions: [TLSExtension] = []) {
        self.lifetime = lifetime
        self.ageAdd = ageAdd
        self.nonce = nonce
        self.ticket = ticket
        self.extensions = extensions
    }

    /// Decodes the body.
    public init(body: [UInt8]) throws(TLSError) {
        self = try body.parseTLS { (r: inout ByteReader) throws(TLSError) -> NewSessionTicket in
            let lifetime = try r.tlsUInt32()
            // RFC 8446 §4.6.1: servers MUST NOT use any value greater than 604800 seconds.
            guard lifetime <= 604_800 else { throw TLSError(.illegalParameter, "ticket lifetime above 7 days") }
            let ageAdd = try r.tlsUInt32()
            let nonce = try r.tlsOpaque(prefixBytes: 1, max: 0xff)
            let ticket = try r.tlsOpaque(prefixBytes: 2, min: 1, max: 0xffff)
            let extensions = try Extensions.read(&r)
            return NewSessionTicket(lifetime: lifetime, ageAdd: ageAdd, nonce: nonce, ticket: ticket, extensions: extensions)
        }
    }

    /// The framed handshake message.
    public func encoded() -> [UInt8] {
        var w = TLSWriter()
        w.u32(lifetime)
        w.u32(ageAdd)
        w.opaque(prefixBytes: 1, nonce)
        w.opaque(prefixBytes: 2, ticket)
        Extensions.write(extensions, into: &w)
        return HandshakeFraming.frame(.newSessionTicket, w.bytes)
    }
}
