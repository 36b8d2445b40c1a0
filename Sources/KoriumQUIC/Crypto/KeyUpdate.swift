import KoriumCrypto
import KoriumTLS

/// 1-RTT packet keys with key updates (RFC 9001 §6): the current generation for each
/// direction, the peer's next generation precomputed (so a packet with a flipped Key Phase
/// bit can be tried without a derivation on the hot path), and the peer's previous
/// generation for late packets. Header-protection keys never change (§6).
public struct OneRTTKeys: Sendable {
    /// The cipher suite.
    public let suite: CipherSuite
    /// The current Key Phase bit.
    public private(set) var keyPhase = false
    /// Protects what we send.
    public private(set) var local: PacketKey
    /// Header protection for what we send.
    public let localHeader: HeaderKey
    /// Opens the peer's packets of the current phase.
    public private(set) var remote: PacketKey
    /// Header protection for the peer's packets.
    public let remoteHeader: HeaderKey
    /// The peer's previous-phase key, kept for reordered packets (drop it about 3 PTO after an update, §6.5).
    public private(set) var previousRemote: PacketKey?
    /// The peer's next-phase key.
    public private(set) var nextRemote: PacketKey
    var localSecret: SecureBytes
    var remoteSecret: SecureBytes
    var nextRemoteSecret: SecureBytes
    /// The first packet number we sent in the current phase; nil until one is sent.
    public private(set) var firstSentInPhase: UInt64?
    /// The first packet number received in the current phase (the lower bound for `previousRemote`).
    public private(set) var firstReceivedInPhase: UInt64?
    /// Whether the peer acknowledged a packet of the current phase (RFC 9001 §6.1 precondition
    /// for initiating the next update).
    public private(set) var isCurrentPhaseAcknowledged = false

    /// Keys from the TLS 1-RTT traffic secrets.
    public init(suite: CipherSuite, localSecret: SecureBytes, remoteSecret: SecureBytes) throws(CryptoError) {
        self.suite = suite
        let localKeys = try PacketKeys(secret: localSecret, suite: suite)
        let remoteKeys = try PacketKeys(secret: remoteSecret, suite: suite)
        local = localKeys.packet
        localHeader = localKeys.header
        remote = remoteKeys.packet
        remoteHeader = remoteKeys.header
        self.localSecret = localSecret
        self.remoteSecret = remoteSecret
        nextRemoteSecret = QUICKeyDerivation.nextGenerationSecret(remoteSecret, cipherSuite: suite)
        nextRemote = try PacketKey(material: QUICPacketKeyMaterial(secret: nextRemoteSecret, cipherSuite: suite))
    }

    /// Which key opens a packet with Key Phase `bit` and (recovered) packet number `packetNumber`
    /// (RFC 9001 §6.3, §6.5): the current key; the previous one for an older packet of the old
    /// phase; otherwise the next one (a peer-initiated update, confirmed only if it decrypts).
    public func receiveKey(keyPhase bit: Bool, packetNumber: UInt64) -> (key: PacketKey, isNextPhase: Bool) {
        // After we initiated, our bit is already flipped: the peer's packets in our new phase
        // need its next key, packets still in the old phase its current key.
        if localIsAhead { return bit == keyPhase ? (nextRemote, true) : (remote, false) }
        if bit == keyPhase { return (remote, false) }
        if let previousRemote, let first = firstReceivedInPhase, packetNumber < first { return (previousRemote, false) }
        return (nextRemote, true)
    }

    /// Records an authenticated packet. When it was opened with the next-phase key, the peer
    /// updated keys: rotate the receive keys and, if we had not initiated this update, our send
    /// keys too (RFC 9001 §6.2). A second peer update before we sent anything in the new phase
    /// is a KEY_UPDATE_ERROR (§6.2).
    public mutating func onPacketAuthenticated(packetNumber: UInt64, wasNextPhase: Bool) throws(TransportError) {
        guard wasNextPhase else {
            if firstReceivedInPhase == nil { firstReceivedInPhase = packetNumber }
            return
        }
        let weInitiated = localIsAhead
        // RFC 9001 §6.2: a second peer update before we answered the first one with a packet
        // in the new phase means the peer did not wait for confirmation.
        guard weInitiated || !awaitingSendAfterPeerUpdate else {
            throw TransportError(.keyUpdateError, "peer updated keys twice without confirmation")
        }
        previousRemote = remote
        remote = nextRemote
        remoteSecret = nextRemoteSecret
        nextRemoteSecret = QUICKeyDerivation.nextGenerationSecret(remoteSecret, cipherSuite: suite)
        do { nextRemote = try PacketKey(material: QUICPacketKeyMaterial(secret: nextRemoteSecret, cipherSuite: suite)) } catch {
            preconditionFailure("derived key has the suite's length")
        }
        firstReceivedInPhase = packetNumber
        if weInitiated {
            localIsAhead = false
        } else {
            try rotateLocal()
            awaitingSendAfterPeerUpdate = true
        }
    }

    /// Set after answering a peer-initiated update until we send in the new phase.
    var awaitingSendAfterPeerUpdate = false

    /// Whether we updated our send keys and the peer has not yet followed.
    public private(set) var localIsAhead = false

    /// RFC 9001 §6.1: starts a key update. Allowed only after the handshake is confirmed (the
    /// caller's check) and once the peer acknowledged a packet of the current phase; returns
    /// false (nothing changed) otherwise.
    public mutating func initiateUpdate() -> Bool {
        guard isCurrentPhaseAcknowledged, !localIsAhead else { return false }
        do { try rotateLocal() } catch { return false }
        localIsAhead = true
        return true
    }

    mutating func rotateLocal() throws(TransportError) {
        localSecret = QUICKeyDerivation.nextGenerationSecret(localSecret, cipherSuite: suite)
        do { local = try PacketKey(material: QUICPacketKeyMaterial(secret: localSecret, cipherSuite: suite)) } catch {
            throw TransportError(.internalError, "key update derivation failed")
        }
        keyPhase.toggle()
        firstSentInPhase = nil
        isCurrentPhaseAcknowledged = false
    }

    /// Records that we sent `packetNumber` with the current keys.
    public mutating func onPacketSent(_ packetNumber: UInt64) {
        if firstSentInPhase == nil { firstSentInPhase = packetNumber }
        awaitingSendAfterPeerUpdate = false
    }

    /// Records an acknowledgment of `largestAcknowledged`; once it covers a packet of the current
    /// phase, the next update may be initiated.
    public mutating func onAckReceived(largestAcknowledged: UInt64) {
        if let first = firstSentInPhase, largestAcknowledged >= first { isCurrentPhaseAcknowledged = true }
    }

    /// RFC 9001 §6.5: forget the previous phase's key (about three PTOs after an update).
    public mutating func discardPreviousKey() { previousRemote = nil }

    /// RFC 9001 §6.6: the confidentiality limit (packets protected with one key).
    public var confidentialityLimit: UInt64 {
        switch suite {
        case .aes128GCMSHA256, .aes256GCMSHA384: return 1 << 23
        case .chacha20Poly1305SHA256: return 1 << 62
        }
    }

    /// RFC 9001 §6.6: the integrity limit (packets failing authentication across all keys),
    /// reaching which is an AEAD_LIMIT_REACHED connection error.
    public var integrityLimit: UInt64 {
        switch suite {
        case .aes128GCMSHA256, .aes256GCMSHA384: return 1 << 52
        case .chacha20Poly1305SHA256: return 1 << 36
        }
    }
}
