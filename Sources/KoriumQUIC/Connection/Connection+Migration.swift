import KoriumWire

/// Connection migration and NAT rebinding (RFC 9000 §9) with path validation (§8.2), server
/// side: the client may move (a NAT rebinding looks the same); a korium client never initiates
/// migration, so a client drops packets from any address but the server's.
extension Connection {
    /// RFC 9000 §9: whether a datagram from `address` (not the current path) is processed.
    /// Before the handshake is confirmed the peer must not migrate (§9), so such datagrams are
    /// dropped; a client only ever talks to the address it connected to.
    func acceptsDatagram(fromNewAddress address: PathAddress) -> Bool {
        role == .server && isHandshakeConfirmed && oneRTT != nil
    }

    /// Called before a datagram's packets are processed.
    mutating func beginDatagram(from address: PathAddress, count: Int) {
        datagramFromNewAddress = address != remoteAddress
        datagramMayMigrate = false
        pathResponsesBeforeDatagram = pathResponses.count
        // RFC 9000 §9.3.1: bytes received on the unvalidated path raise its sending allowance.
        if !datagramFromNewAddress, migration != nil { migration!.bytesReceived += count }
    }

    /// Called after a datagram's packets were processed: moves the connection when the
    /// datagram carried the newest non-probing packet (RFC 9000 §9.3).
    mutating func endDatagram(from address: PathAddress, count: Int, now: Instant) {
        guard datagramFromNewAddress else { return }
        datagramFromNewAddress = false
        switch state {
        case .handshaking, .established: break
        case .closing, .draining, .closed: return
        }
        guard datagramMayMigrate else {
            // RFC 9000 §9.1: a probe from an address we do not move to; its PATH_CHALLENGE would
            // have to be answered on that path, which this connection does not send on.
            if pathResponses.count > pathResponsesBeforeDatagram {
                pathResponses.removeSubrange(pathResponsesBeforeDatagram...)
            }
            return
        }
        migrate(to: address, receivedBytes: count, now: now)
    }

    /// RFC 9000 §9.3: the peer's newest non-probing packet came from `address`: send there from
    /// now on and validate it.
    mutating func migrate(to address: PathAddress, receivedBytes: Int, now: Instant) {
        let lastValidated = migration?.previousAddress ?? remoteAddress
        let portOnly = address.differsOnlyInPort(from: remoteAddress)
        remoteAddress = address
        statsStorage.pathMigrations += 1
        if address == lastValidated {
            // RFC 9000 §9.3.3: back on the path validated before: no new validation needed.
            migration = nil
            return
        }
        // RFC 9000 §9.4: unless only the port changed, the new path may have a different capacity
        // and delay: congestion controller and RTT estimate start over.
        if !portOnly {
            // RFC 9000 §14.2: the datagram size is per path too: back to the base, search again.
            pmtu.resetForNewPath()
            recovery.resetForNewPath(maxDatagramSize: pmtu.current)
        }
        // RFC 9000 §9.5: a fresh connection ID for the new path so the two cannot be linked, when
        // the peer gave us a spare one; otherwise the current one stays (a NAT rebinding the peer
        // did not choose gains nothing from a change).
        do { _ = try cids.rotateRemote() } catch {
            closeWithError(error, now: now)
            return
        }
        // RFC 9000 §8.2.1: 8 unpredictable bytes; §8.2.4: give up after three times the larger of
        // the current PTO and that of a new path (kInitialRtt).
        var data: UInt64 = 0
        withUnsafeMutableBytes(of: &data) { config.random($0) }
        let newPathPTO = RTTEstimator().probeTimeoutBase + (recovery.probeTimeout - recovery.rtt.probeTimeoutBase)
        let timeout = Swift.max(recovery.probeTimeout, newPathPTO) * 3
        migration = PathValidation(previousAddress: lastValidated, challengeData: data, deadline: now + timeout,
                                   bytesReceived: receivedBytes)
    }

    /// RFC 9000 §8.2.3: a PATH_RESPONSE echoing our challenge validates the new path (whichever
    /// path it arrives on); any other response is ignored.
    mutating func onPathResponse(_ data: UInt64) {
        guard let m = migration, m.challengeData == data, m.challengeSentAt != nil else { return }
        migration = nil
        statsStorage.pathsValidated += 1
    }

    /// A PATH_CHALLENGE is owed on the new path: it is sent even when congestion control or
    /// pacing would hold data back (it is one small probe, like a PTO probe).
    var isPathChallengeDue: Bool { migration?.challengePending == true }

    /// Datagrams with PATH_CHALLENGE or PATH_RESPONSE are padded to 1200 bytes (RFC 9000 §8.2.1,
    /// §8.2.2) unless the anti-amplification limit does not allow it.
    var pathFramesNeedPadding: Bool { isPathChallengeDue || !pathResponses.isEmpty }

    /// RFC 9000 §9.3.1: the send limit of an unvalidated new path (three times what it
    /// brought), or `limit` unchanged.
    func pathSendLimit(_ limit: Int) -> Int {
        guard let m = migration else { return limit }
        return Swift.min(limit, m.sendAllowance)
    }

    /// The unvalidated new path allows no datagram now (``pollTransmit(into:now:)`` sends
    /// nothing until the peer sends more or the path is validated).
    var isPathSendBlocked: Bool { (migration?.sendAllowance ?? Int.max) < 64 }

    /// Accounts a datagram sent to the unvalidated path.
    mutating func onPathDatagramSent(_ count: Int) {
        if migration != nil { migration!.bytesSent += count }
    }

    /// Writes our PATH_CHALLENGE if one is due; returns whether it did.
    mutating func writePathChallenge(into writer: inout ByteWriter, now: Instant) -> Bool {
        guard let m = migration, m.challengePending else { return false }
        do { try Frame.pathChallenge(m.challengeData).encode(to: &writer) } catch { return false }
        spaces[2].sent.append(.unreliable)
        migration!.challengePending = false
        migration!.challengeSentAt = now
        return true
    }

    /// The next path-validation timer: the validation deadline, or resending the challenge one
    /// PTO after the last one (RFC 9000 §8.2.1 lets a lost PATH_CHALLENGE be repeated).
    var pathValidationDeadline: Instant? {
        guard let m = migration else { return nil }
        guard !m.challengePending, let sent = m.challengeSentAt else { return m.deadline }
        return Swift.min(m.deadline, sent + recovery.probeTimeout)
    }

    /// RFC 9000 §8.2.4, §9.3.2: a validation past its deadline fails and the connection returns
    /// to the last validated address; an unanswered challenge is repeated.
    mutating func onPathValidationTimeout(now: Instant) {
        guard let m = migration else { return }
        if m.deadline <= now {
            remoteAddress = m.previousAddress
            migration = nil
            statsStorage.pathValidationFailures += 1
            return
        }
        if !m.challengePending, let sent = m.challengeSentAt, sent + recovery.probeTimeout <= now {
            migration!.challengePending = true
        }
    }
}

extension RecoveryState {
    /// RFC 9000 §9.4: fresh RTT estimate and congestion controller for a new path.
    mutating func resetForNewPath(maxDatagramSize: Int) {
        let constants = CongestionConstants(maxDatagramSize: maxDatagramSize)
        if usesNewReno {
            reno!.resetForNewPath(congestion: NewReno(constants: constants))
        } else {
            cubic!.resetForNewPath(congestion: Cubic(constants: constants))
        }
    }
}
