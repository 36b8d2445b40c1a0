import KoriumTLS

/// What we send while closing (RFC 9000 §10.2.1) and what the owner is told.
struct CloseState: Sendable {
    /// CONNECTION_CLOSE type 0x1d (application) rather than 0x1c.
    var isApplication: Bool
    var code: UInt64
    var frameType: UInt64
    var reason: [UInt8]
    /// What ``ConnectionEvent/closed(_:)`` will carry.
    var error: ConnectionError
    /// Whether a CONNECTION_CLOSE should go out at the next poll.
    var sendPending: Bool
    /// Datagrams received while closing (for the response rate limit).
    var datagramsWhileClosing: UInt64 = 0
}

extension Connection {
    /// Whether the connection is closing, draining or closed.
    public var isClosed: Bool {
        switch state {
        case .handshaking, .established: return false
        case .closing, .draining, .closed: return true
        }
    }

    /// Why the connection ended (set when closing or draining begins), nil while open.
    public var closeReason: ConnectionError? {
        if case .closed(let error) = state { return error }
        return close?.error
    }

    /// RFC 9000 §10.2: the closing and draining states last three PTOs.
    var closingPeriod: Duration { recovery.probeTimeout * 3 }

    /// Closes the connection from the application with CONNECTION_CLOSE type 0x1d (RFC 9000
    /// §10.2). The owner keeps polling until ``ConnectionEvent/closed(_:)``.
    public mutating func close(errorCode: UInt64, reason: [UInt8], now: Instant) {
        guard !isClosed else { return }
        enterClosing(CloseState(isApplication: true, code: errorCode, frameType: 0, reason: reason,
                                error: .locallyClosed, sendPending: true), now: now)
    }

    /// Closes with a transport error we detected (RFC 9000 §10.2, §20.1).
    mutating func closeWithError(_ error: TransportError, now: Instant) {
        guard !isClosed else { return }
        let reason = error.reason.withUTF8Buffer { Array($0) }
        enterClosing(CloseState(isApplication: false, code: error.code.rawValue, frameType: error.frameType, reason: reason,
                                error: .transport(error), sendPending: true), now: now)
    }

    /// A TLS failure: CRYPTO_ERROR carrying the alert (RFC 9001 §4.8).
    mutating func closeWithTLSError(_ error: TLSError, now: Instant) {
        closeWithError(.crypto(alert: error.alert.rawValue, "TLS handshake failed"), now: now)
    }

    mutating func enterClosing(_ state: CloseState, now: Instant) {
        close = state
        self.state = .closing
        streams.onConnectionClosed()
        closeDeadline = now + closingPeriod
        pacingDeadline = nil
    }

    /// RFC 9000 §10.2.2: the peer closed; stay silent for three PTOs.
    mutating func enterDraining(_ error: ConnectionError, now: Instant) {
        guard !isClosed || state == .closing else { return }
        if close == nil {
            close = CloseState(isApplication: false, code: 0, frameType: 0, reason: [], error: error, sendPending: false)
        } else {
            close!.sendPending = false
        }
        state = .draining
        streams.onConnectionClosed()
        closeDeadline = now + closingPeriod
    }

    /// Ends the connection at once, without sending anything (idle timeout, stateless reset,
    /// version mismatch).
    mutating func closeImmediately(_ error: ConnectionError) {
        if case .closed = state { return }
        state = .closed(error)
        streams.onConnectionClosed()
        closeDeadline = nil
        emit(.closed(error))
    }

    /// The closing/draining period ended.
    mutating func finishClosing() {
        closeImmediately(close?.error ?? .locallyClosed)
    }

    /// A received CONNECTION_CLOSE (RFC 9000 §19.19) as the error the owner sees.
    static func peerCloseError(_ frame: ConnectionCloseFrame) -> ConnectionError {
        let reason = Array(frame.reason.prefix(256))
        if frame.isApplicationError { return .applicationClosed(code: frame.errorCode, reason: reason) }
        return .peerTransportClosed(code: TransportErrorCode(rawValue: frame.errorCode), frameType: frame.frameType, reason: reason)
    }
}
