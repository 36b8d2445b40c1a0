extension Connection {
    /// Sends a PING (RFC 9000 §19.2) with the next packet, e.g. to check the peer is alive.
    public mutating func ping() {
        guard !isClosed else { return }
        pingPending = true
    }

    /// Queues an unreliable DATAGRAM (RFC 9221 §5) for the next packets.
    public mutating func sendDatagram(_ bytes: UnsafeRawBufferPointer) throws(DatagramError) {
        guard !isClosed else { throw .connectionClosed }
        guard isHandshakeComplete, let maximum = peerParameters?.maxDatagramFrameSize else { throw .unsupportedByPeer }
        let frameSize = Self.datagramFrameSize(bytes.count)
        guard UInt64(frameSize) <= maximum, datagramFitsPath(frameSize: frameSize) else { throw .tooLarge }
        guard outgoingDatagrams.count < config.maxQueuedDatagrams else { throw .queueFull }
        outgoingDatagrams.append(Array(bytes))
    }

    /// DATAGRAM frame size: type (1) + length varint + data.
    static func datagramFrameSize(_ dataCount: Int) -> Int {
        1 + (dataCount < 64 ? 1 : (dataCount < 16_384 ? 2 : 4)) + dataCount
    }

    /// Whether a DATAGRAM frame fits a 1-RTT packet at the path's current datagram size
    /// (64 bytes left for the short header, packet number, AEAD tag and an ACK).
    func datagramFitsPath(frameSize: Int) -> Bool { frameSize <= pmtu.current - 64 }

    /// Starts a 1-RTT key update (RFC 9001 §6.1). Returns false when not allowed yet: before the
    /// handshake is confirmed, or before the peer acknowledged a packet of the current phase.
    public mutating func initiateKeyUpdate() -> Bool {
        guard isHandshakeConfirmed, !isClosed, oneRTT != nil else { return false }
        guard oneRTT!.initiateUpdate() else { return false }
        packetsSinceKeyUpdate = 0
        statsStorage.keyUpdates += 1
        return true
    }

    /// Retires one of the peer's spare connection IDs (not the one in use) with
    /// RETIRE_CONNECTION_ID (RFC 9000 §19.16), e.g. to rotate IDs for privacy; the peer issues a
    /// replacement. Returns false if there is no such spare ID.
    public mutating func retireRemoteConnectionID(sequence: UInt64) -> Bool {
        guard !isClosed else { return false }
        do { return try cids.retireRemote(sequence: sequence) } catch { return false }
    }

    /// Server: sends a NEW_TOKEN (RFC 9000 §8.1.3, §19.7) the client can present in a later
    /// connection's Initial to skip address validation; the endpoint mints it (e.g. with
    /// `AddressValidationTokenKey`) once the handshake completed. Returns false for a client, an
    /// empty token, before the handshake completes or when too many are queued.
    public mutating func sendNewToken(_ token: [UInt8]) -> Bool {
        guard role == .server, !token.isEmpty, isHandshakeComplete, !isClosed,
              pendingNewTokens.count < Self.maxPendingNewTokens else { return false }
        pendingNewTokens.append(token)
        return true
    }
}
