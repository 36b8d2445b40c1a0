extension Connection {
    /// The earliest instant at which ``handleTimeout(now:)`` has something to do: loss
    /// detection / PTO, a delayed ACK, the idle timeout, pacing, the end of closing/draining,
    /// dropping old keys, keep-alive. Nil when closed.
    public var nextDeadline: Instant? {
        switch state {
        case .closed: return nil
        case .closing, .draining: return closeDeadline
        case .handshaking, .established: break
        }
        var deadline: Instant?
        func consider(_ t: Instant?) {
            guard let t else { return }
            if deadline == nil || t < deadline! { deadline = t }
        }
        consider(idle.deadline(probeTimeout: recovery.probeTimeout))
        consider(recovery.lossDetectionTimer)
        // A due ACK only counts while it can be sent: not when the space has no send keys yet, nor
        // while a server waits at the anti-amplification limit (the caller would spin).
        if !(role == .server && !isAddressValidated && 3 * amplificationReceived - amplificationSent < Self.minimumInitialDatagramSize / 4)
            && !isPathSendBlocked {
            for s in 0..<3 where spaces[s].received.hasNewPackets && canSend(inSpace: s) {
                consider(spaces[s].received.ackDeadline)
            }
        }
        consider(pacingDeadline)
        consider(previousKeyDiscardDeadline)
        consider(pathValidationDeadline)
        if let interval = config.keepAliveInterval, isHandshakeComplete { consider(lastSendTime + interval) }
        return deadline
    }

    /// Acts on every timer that expired by `now`; then poll transmits and events.
    public mutating func handleTimeout(now: Instant) {
        switch state {
        case .closed: return
        case .closing, .draining:
            if let closeDeadline, closeDeadline <= now { finishClosing() }
            return
        case .handshaking, .established: break
        }
        // RFC 9000 §10.1: silently closed after the idle timeout.
        if let idleDeadline = idle.deadline(probeTimeout: recovery.probeTimeout), idleDeadline <= now {
            closeImmediately(.timedOut)
            return
        }
        if let timer = recovery.lossDetectionTimer, timer <= now { onLossDetectionTimeout(now: now) }
        if let pacing = pacingDeadline, pacing <= now { pacingDeadline = nil }
        if let path = pathValidationDeadline, path <= now { onPathValidationTimeout(now: now) }
        if let discard = previousKeyDiscardDeadline, discard <= now {
            oneRTT?.discardPreviousKey()
            previousKeyDiscardDeadline = nil
        }
        if let interval = config.keepAliveInterval, isHandshakeComplete, lastSendTime + interval <= now {
            pingPending = true
            lastSendTime = now
        }
    }

    /// RFC 9002 §6.2, §A.9: lost packets are requeued; a PTO arms probes in its space.
    mutating func onLossDetectionTimeout(now: Instant) {
        let outstanding = (recovery.outstandingCount(space: .initial), recovery.outstandingCount(space: .handshake),
                           recovery.outstandingCount(space: .applicationData))
        lostScratch.removeAll(keepingCapacity: true)
        switch recovery.onLossDetectionTimeout(now: now, lost: &lostScratch) {
        case .none:
            break
        case .packetsLost:
            if config.qlog != nil {
                qlogTimeoutLosses(outstanding: outstanding, now: now)
                qlogRecoveryUpdated(lossOccurred: true, now: now)
            }
            // Loss detection handled one space: the one whose table shrank.
            if recovery.outstandingCount(space: .initial) < outstanding.0 {
                onPacketsLost(space: .initial, ackedLarge: false, now: now)
            } else if recovery.outstandingCount(space: .handshake) < outstanding.1 {
                onPacketsLost(space: .handshake, ackedLarge: false, now: now)
            } else if recovery.outstandingCount(space: .applicationData) < outstanding.2 {
                onPacketsLost(space: .applicationData, ackedLarge: false, now: now)
            }
            lostScratch.removeAll(keepingCapacity: true)
        case .probe(let space, let count):
            var target = space.rawValue
            // The probe space may be gone (keys discarded); use the highest space we can send in.
            while target < 2 && (spaces[target].isDiscarded || spaces[target].localKeys == nil) { target += 1 }
            if target == 2 && oneRTT == nil { return }
            spaces[target].probesDue += count
            pmtuOnProbeTimeout(now: now)
            // RFC 9002 §6.2.4: probes should carry data still unacknowledged: resend CRYPTO data in flight.
            var ranges: [Range<UInt64>] = []
            spaces[target].sent.liveFrames { frame in
                if case .crypto(let offset, let length) = frame { ranges.append(offset..<(offset + UInt64(length))) }
            }
            for range in ranges { spaces[target].crypto.onLost(range) }
        }
    }
}
