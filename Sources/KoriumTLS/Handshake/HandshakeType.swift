/// Handshake message types (RFC 8446 §4).
public enum HandshakeType: UInt8, Sendable, Hashable {
    /// client_hello.
    case clientHello = 1
    /// server_hello (also HelloRetryRequest).
    case serverHello = 2
    /// new_session_ticket.
    case newSessionTicket = 4
    /// end_of_early_data (never used in QUIC, RFC 9001 §8.3).
    case endOfEarlyData = 5
    /// encrypted_extensions.
    case encryptedExtensions = 8
    /// certificate.
    case certificate = 11
    /// certificate_request.
    case certificateRequest = 13
    /// certificate_verify.
    case certificateVerify = 15
    /// finished.
    case finished = 20
    /// key_update (forbidden in QUIC, RFC 9001 §6).
    case keyUpdate = 24
    /// message_hash (synthetic, RFC 8446 §4.4.1).
    case messageHash = 254
}

/// Framing of handshake messages: `msg_type(1) length(3) body` (RFC 8446 §4).
public enum HandshakeFraming {
    /// The largest handshake message accepted. Certificate chains dominate; 64 KiB leaves room
    /// for several certificates while bounding what a peer can make us buffer.
    public static let maxMessageSize = 64 * 1024

    /// Prefixes `body` with its type and 24-bit length.
    public static func frame(_ type: HandshakeType, _ body: [UInt8]) -> [UInt8] {
        precondition(body.count <= 0xff_ffff, "handshake message too large")
        var out: [UInt8] = [type.rawValue, UInt8(body.count >> 16), UInt8((body.count >> 8) & 0xff), UInt8(body.count & 0xff)]
        out.append(contentsOf: body)
        return out
    }
}

/// The random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3).
let helloRetryRequestRandom: [UInt8] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
]

/// Downgrade sentinels in ServerHello.random (RFC 8446 §4.1.3): "DOWNGRD" + 01 (TLS 1.2) / 00.
let downgradeSentinelTLS12: [UInt8] = [0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x01]
let downgradeSentinelTLS11: [UInt8] = [0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x00]
