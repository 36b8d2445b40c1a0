/// Finished (RFC 8446 §4.4.4): `opaque verify_data[Hash.length]`.
public struct Finished: Sendable, Hashable {
    /// The HMAC over the transcript.
    public var verifyData: [UInt8]

    /// Creates the message.
    public init(verifyData: [UInt8]) { self.verifyData = verifyData }

    /// Decodes the body; its length must be the negotiated hash length.
    public init(body: [UInt8], hashLength: Int) throws(TLSError) {
        guard body.count == hashLength else { throw TLSError(.decodeError, "Finished length \(body.count)") }
        verifyData = body
    }

    /// The framed handshake message.
    public func encoded() -> [UInt8] { HandshakeFraming.frame(.finished, verifyData) }
}
