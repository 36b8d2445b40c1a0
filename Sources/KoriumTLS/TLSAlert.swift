/// TLS alert descriptions (RFC 8446 §6). In QUIC an alert is never sent as a TLS record: it
/// becomes a CRYPTO_ERROR transport error `0x0100 + alert` (RFC 9001 §4.8).
public enum TLSAlert: UInt8, Sendable, Hashable, CustomStringConvertible {
    case closeNotify = 0
    case unexpectedMessage = 10
    case badRecordMAC = 20
    case recordOverflow = 22
    case handshakeFailure = 40
    case badCertificate = 42
    case unsupportedCertificate = 43
    case certificateRevoked = 44
    case certificateExpired = 45
    case certificateUnknown = 46
    case illegalParameter = 47
    case unknownCA = 48
    case accessDenied = 49
    case decodeError = 50
    case decryptError = 51
    case protocolVersion = 70
    case insufficientSecurity = 71
    case internalError = 80
    case inappropriateFallback = 86
    case userCanceled = 90
    case missingExtension = 109
    case unsupportedExtension = 110
    case unrecognizedName = 112
    case badCertificateStatusResponse = 113
    case unknownPSKIdentity = 115
    case certificateRequired = 116
    case noApplicationProtocol = 120

    /// The QUIC transport error code carrying this alert (RFC 9001 §4.8: `0x0100 + alert`).
    public var quicErrorCode: UInt64 { 0x0100 + UInt64(rawValue) }

    /// The RFC 8446 name of the alert, e.g. `decrypt_error`.
    public var description: String {
        switch self {
        case .closeNotify: return "close_notify"
        case .unexpectedMessage: return "unexpected_message"
        case .badRecordMAC: return "bad_record_mac"
        case .recordOverflow: return "record_overflow"
        case .handshakeFailure: return "handshake_failure"
        case .badCertificate: return "bad_certificate"
        case .unsupportedCertificate: return "unsupported_certificate"
        case .certificateRevoked: return "certificate_revoked"
        case .certificateExpired: return "certificate_expired"
        case .certificateUnknown: return "certificate_unknown"
        case .illegalParameter: return "illegal_parameter"
        case .unknownCA: return "unknown_ca"
        case .accessDenied: return "access_denied"
        case .decodeError: return "decode_error"
        case .decryptError: return "decrypt_error"
        case .protocolVersion: return "protocol_version"
        case .insufficientSecurity: return "insufficient_security"
        case .internalError: return "internal_error"
        case .inappropriateFallback: return "inappropriate_fallback"
        case .userCanceled: return "user_canceled"
        case .missingExtension: return "missing_extension"
        case .unsupportedExtension: return "unsupported_extension"
        case .unrecognizedName: return "unrecognized_name"
        case .badCertificateStatusResponse: return "bad_certificate_status_response"
        case .unknownPSKIdentity: return "unknown_psk_identity"
        case .certificateRequired: return "certificate_required"
        case .noApplicationProtocol: return "no_application_protocol"
        }
    }
}

/// A failed handshake: the alert to report to the peer (as a QUIC CRYPTO_ERROR) and a short
/// reason for logs. Every error a peer can cause in this module ends as one of these.
public struct TLSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The alert that describes the failure (RFC 8446 §6.2).
    public let alert: TLSAlert
    /// A short human-readable explanation for logs; never sent to the peer.
    public let reason: String

    /// Creates an error carrying `alert`.
    public init(_ alert: TLSAlert, _ reason: String) {
        self.alert = alert
        self.reason = reason
    }

    /// `alert_name: reason`.
    public var description: String { "\(alert): \(reason)" }
}
