import KoriumCrypto
import KoriumWire

/// The Retry Integrity Tag (RFC 9001 §5.8): AES-128-GCM with a fixed key and nonce over the
/// Retry pseudo-packet (the client's original Destination Connection ID, length-prefixed,
/// followed by the Retry packet without its tag), with an empty plaintext.
public enum RetryIntegrity {
    /// The tag length, 16 bytes.
    public static let tagByteCount = 16

    /// RFC 9001 §5.8: the QUIC v1 key.
    static let key: [UInt8] = [
        0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a, 0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e,
    ]
    /// RFC 9001 §5.8: the QUIC v1 nonce.
    static let nonce: [UInt8] = [0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb]

    /// The keyed cipher, built once (the key is a public constant).
    static let cipher: AES128GCM = {
        do { return try AES128GCM(key: key) } catch { preconditionFailure("RFC 9001 §5.8 key is 16 bytes") }
    }()

    /// Computes the tag for `retryWithoutTag` (the Retry packet up to its tag) and writes it into
    /// `tag` (16 bytes).
    public static func computeTag(
        originalDestinationConnectionID odcid: ConnectionID, retryWithoutTag: UnsafeRawBufferPointer,
        into tag: UnsafeMutableRawBufferPointer
    ) {
        precondition(tag.count == tagByteCount, "Retry Integrity Tag is 16 bytes")
        let pseudoCount = 1 + odcid.count + retryWithoutTag.count
        withUnsafeTemporaryAllocation(byteCount: pseudoCount, alignment: 1) { pseudo in
            pseudo[0] = UInt8(odcid.count)
            odcid.withUnsafeBytes { id in
                if id.count > 0 { (pseudo.baseAddress! + 1).copyMemory(from: id.baseAddress!, byteCount: id.count) }
            }
            if retryWithoutTag.count > 0 {
                (pseudo.baseAddress! + 1 + odcid.count).copyMemory(
                    from: retryWithoutTag.baseAddress!, byteCount: retryWithoutTag.count)
            }
            nonce.withUnsafeBytes { n in
                do {
                    try cipher.sealInPlace(
                        UnsafeMutableRawBufferPointer(start: nil, count: 0), tag: tag, nonce: n,
                        aad: UnsafeRawBufferPointer(pseudo))
                } catch {
                    preconditionFailure("AES-128-GCM seal with valid sizes cannot fail")
                }
            }
        }
    }

    /// Whether the last 16 bytes of `retryPacket` are the correct tag for a client whose
    /// original Destination Connection ID was `odcid` (RFC 9001 §5.8). Constant time.
    public static func isValid(retryPacket: UnsafeRawBufferPointer, originalDestinationConnectionID odcid: ConnectionID) -> Bool {
        guard retryPacket.count >= tagByteCount else { return false }
        let split = retryPacket.count - tagByteCount
        return withUnsafeTemporaryAllocation(byteCount: tagByteCount, alignment: 1) { expected in
            computeTag(
                originalDestinationConnectionID: odcid,
                retryWithoutTag: UnsafeRawBufferPointer(rebasing: retryPacket[0..<split]), into: expected)
            return constantTimeEquals(
                UnsafeRawBufferPointer(expected), UnsafeRawBufferPointer(rebasing: retryPacket[split...]))
        }
    }
}
