/// SSLKEYLOGFILE support (the NSS key log format, also draft-ietf-tls-keylogfile): one line
/// `LABEL <client_random hex> <secret hex>` per secret, handed to a caller-supplied sink so that
/// the sans-IO core never writes files. Only enable it for debugging: the lines decrypt traffic.
public typealias KeyLogSink = @Sendable (String) -> Void

/// The key log labels a TLS 1.3 handshake produces.
public enum KeyLogLabel: String, Sendable, CaseIterable {
    /// client_handshake_traffic_secret.
    case clientHandshakeTrafficSecret = "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
    /// server_handshake_traffic_secret.
    case serverHandshakeTrafficSecret = "SERVER_HANDSHAKE_TRAFFIC_SECRET"
    /// client_application_traffic_secret_0.
    case clientTrafficSecret0 = "CLIENT_TRAFFIC_SECRET_0"
    /// server_application_traffic_secret_0.
    case serverTrafficSecret0 = "SERVER_TRAFFIC_SECRET_0"
    /// exporter_master_secret.
    case exporterSecret = "EXPORTER_SECRET"
}

enum KeyLog {
    /// Formats one key log line.
    static func line(_ label: KeyLogLabel, clientRandom: [UInt8], secret: [UInt8]) -> String {
        "\(label.rawValue) \(hex(clientRandom)) \(hex(secret))"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(bytes.count * 2)
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 0x0f)])
        }
        return s
    }
}
