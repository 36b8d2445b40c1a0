/// The TLS 1.3 key schedule (RFC 8446 §7.1) without PSKs: Early Secret from zeros, Handshake
/// Secret from the (EC)DHE shared secret, Master Secret, and the traffic, exporter and finished
/// secrets derived from them. Transcript hashes are passed in by the state machine, which owns
/// the transcript.
struct KeySchedule {
    /// The cipher suite's hash.
    let hash: TLSHashAlgorithm
    private var current: [UInt8]
    private var stage: Stage

    private enum Stage { case early, handshake, master }

    /// Starts at the Early Secret: `HKDF-Extract(0, 0)` (no PSK, RFC 8446 §7.1).
    init(hash: TLSHashAlgorithm) {
        self.hash = hash
        let zeros = [UInt8](repeating: 0, count: hash.length)
        current = hash.extract(salt: zeros, ikm: zeros)
        stage = .early
    }

    /// The secret of the current stage (Early, Handshake or Master Secret).
    var currentSecret: [UInt8] { current }

    /// Early Secret → Handshake Secret with the (EC)DHE shared secret.
    mutating func advanceToHandshake(sharedSecret: [UInt8]) {
        precondition(stage == .early, "key schedule out of order")
        let salt = hash.deriveSecret(current, label: "derived", transcriptHash: hash.hash([]))
        current = hash.extract(salt: salt, ikm: sharedSecret)
        stage = .handshake
    }

    /// Handshake Secret → Master Secret.
    mutating func advanceToMaster() {
        precondition(stage == .handshake, "key schedule out of order")
        let salt = hash.deriveSecret(current, label: "derived", transcriptHash: hash.hash([]))
        current = hash.extract(salt: salt, ikm: [UInt8](repeating: 0, count: hash.length))
        stage = .master
    }

    /// `client_handshake_traffic_secret` and `server_handshake_traffic_secret` over
    /// ClientHello...ServerHello.
    func handshakeTrafficSecrets(transcriptHash: [UInt8]) -> (client: [UInt8], server: [UInt8]) {
        precondition(stage == .handshake, "key schedule out of order")
        return (
            hash.deriveSecret(current, label: "c hs traffic", transcriptHash: transcriptHash),
            hash.deriveSecret(current, label: "s hs traffic", transcriptHash: transcriptHash)
        )
    }

    /// `client_application_traffic_secret_0` and `server_application_traffic_secret_0` over
    /// ClientHello...server Finished.
    func applicationTrafficSecrets(transcriptHash: [UInt8]) -> (client: [UInt8], server: [UInt8]) {
        precondition(stage == .master, "key schedule out of order")
        return (
            hash.deriveSecret(current, label: "c ap traffic", transcriptHash: transcriptHash),
            hash.deriveSecret(current, label: "s ap traffic", transcriptHash: transcriptHash)
        )
    }

    /// `exporter_master_secret` over ClientHello...server Finished.
    func exporterMasterSecret(transcriptHash: [UInt8]) -> [UInt8] {
        precondition(stage == .master, "key schedule out of order")
        return hash.deriveSecret(current, label: "exp master", transcriptHash: transcriptHash)
    }

    /// `resumption_master_secret` over ClientHello...client Finished.
    func resumptionMasterSecret(transcriptHash: [UInt8]) -> [UInt8] {
        precondition(stage == .master, "key schedule out of order")
        return hash.deriveSecret(current, label: "res master", transcriptHash: transcriptHash)
    }

    /// `finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)` (RFC 8446 §4.4.4).
    static func finishedKey(hash: TLSHashAlgorithm, baseKey: [UInt8]) -> [UInt8] {
        hash.expandLabel(secret: baseKey, label: "finished", context: [], length: hash.length)
    }

    /// `verify_data = HMAC(finished_key, Transcript-Hash(...))` (RFC 8446 §4.4.4).
    static func finishedVerifyData(hash: TLSHashAlgorithm, baseKey: [UInt8], transcriptHash: [UInt8]) -> [UInt8] {
        hash.hmac(key: finishedKey(hash: hash, baseKey: baseKey), message: transcriptHash)
    }

    /// TLS-Exporter (RFC 8446 §7.5):
    /// `HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context), length)`.
    static func export(
        hash: TLSHashAlgorithm, exporterMasterSecret: [UInt8], label: String, context: [UInt8], length: Int
    ) -> [UInt8] {
        let derived = hash.deriveSecret(exporterMasterSecret, label: label, transcriptHash: hash.hash([]))
        return hash.expandLabel(secret: derived, label: "exporter", context: hash.hash(context), length: length)
    }
}
