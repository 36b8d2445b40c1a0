extension Connection {
    /// The PMTU probe size to send now, if any (RFC 9000 §14.3): only once the handshake is
    /// confirmed, on a validated path, and while the application has something to send — a
    /// probe is ack-eliciting, and an idle connection must not keep itself alive with probes.
    mutating func pmtuProbeDue(bufferCount: Int, now: Instant) -> Int? {
        guard pmtu.isEnabled, state == .established, isHandshakeConfirmed, migration == nil, canSend(inSpace: 2),
              streamsHavePendingFrames || !outgoingDatagrams.isEmpty else { return nil }
        pmtu.resumeIfDue(now: now)
        guard let size = pmtu.probeDue(now: now) else { return nil }
        guard size <= bufferCount else {
            // The caller's buffer caps what we can ever send: search below it.
            pmtu.giveUp(size: size, now: now)
            return nil
        }
        return size
    }

    /// Sends one PMTU probe of exactly `size` bytes: a 1-RTT packet with PING and PADDING (and
    /// an ACK if one is pending), counted in flight (RFC 9000 §14.4).
    mutating func sendPMTUProbe(size: Int, buffer: UnsafeMutableRawBufferPointer, now: Instant) -> Transmit? {
        let datagram = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size])
        let packetNumber = spaces[2].nextPacketNumber
        guard let (count, _) = writePacket(space: 2, datagram: datagram, offset: 0, mayElicit: true, padTo: size,
                                           now: now, pmtuProbe: true) else { return nil }
        pmtu.onProbeSent(packetNumber: packetNumber)
        statsStorage.bytesSent += UInt64(count)
        onPathDatagramSent(count)
        pacer.onSent(bytes: count)
        lastSendTime = now
        return Transmit(destination: remoteAddress, count: count)
    }

    /// An acknowledged packet larger than the base size (a probe, or data at a raised size).
    mutating func pmtuOnLargeAcked(_ packet: SentPacket, now: Instant) {
        if let size = pmtu.onAcked(packet, now: now) { recovery.setMaxDatagramSize(size) }
    }

    /// After one round of loss processing: black-hole detection (RFC 8899 §4.3).
    mutating func pmtuOnLossEvent(lostLarge: Bool, ackedLarge: Bool, now: Instant) {
        if pmtu.onLossEvent(lostLarge: lostLarge, ackedLarge: ackedLarge, now: now) {
            recovery.setMaxDatagramSize(pmtu.current)
        }
    }

    /// A PTO fired: consecutive timeouts at a raised size also mean a black hole.
    mutating func pmtuOnProbeTimeout(now: Instant) {
        if pmtu.onProbeTimeout(ptoCount: recovery.ptoCount, now: now) {
            recovery.setMaxDatagramSize(pmtu.current)
        }
    }
}
