import KoriumCrypto

/// Connection IDs in both directions (RFC 9000 §5.1): the ones we issue (sequence 0 is the one
/// from the handshake; more go out in NEW_CONNECTION_ID up to the peer's
/// `active_connection_id_limit`) and the ones the peer issued to us, from which we pick the
/// Destination Connection ID.
struct ConnectionIDManager: Sendable {
    /// Our connection IDs issued at most at a time, whatever the peer allows.
    static let maxLocalConnectionIDs = 8
    /// Peer IDs retired but whose RETIRE_CONNECTION_ID is not yet acknowledged, at most
    /// (RFC 9000 §5.1.2 allows CONNECTION_ID_LIMIT_ERROR beyond a local limit).
    static let maxPendingRetirements = 32

    struct Local: Sendable {
        let sequence: UInt64
        let id: ConnectionID
        let token: StatelessResetToken
    }

    struct Remote: Sendable {
        let sequence: UInt64
        let id: ConnectionID
        var token: StatelessResetToken?
    }

    let localLength: Int
    let resetKey: SecureBytes
    private(set) var local: [Local] = []
    private(set) var nextLocalSequence: UInt64 = 0
    /// NEW_CONNECTION_ID frames to send (sequence numbers).
    var pendingNewIDs: [UInt64] = []
    /// The peer's active_connection_id_limit (2 until its parameters arrive, RFC 9000 §18.2).
    var peerLimit: UInt64 = 2

    private(set) var remote: [Remote] = []
    /// Our active_connection_id_limit.
    let remoteLimit: UInt64
    private(set) var remoteRetirePriorTo: UInt64 = 0
    /// RETIRE_CONNECTION_ID frames to send (sequence numbers).
    var pendingRetirements: [UInt64] = []
    private var unacknowledgedRetirements = 0

    init(localLength: Int, resetKey: SecureBytes, remoteLimit: UInt64) {
        self.localLength = localLength
        self.resetKey = resetKey
        self.remoteLimit = remoteLimit
    }

    /// The reset token for one of our IDs (RFC 9000 §10.3.2).
    func token(for id: ConnectionID) -> StatelessResetToken { StatelessReset.token(for: id, staticKey: resetKey) }

    /// Records our handshake connection ID (sequence 0).
    mutating func setInitialLocal(_ id: ConnectionID) -> Local {
        let entry = Local(sequence: 0, id: id, token: token(for: id))
        local = [entry]
        nextLocalSequence = 1
        return entry
    }

    /// Whether `id` is one of ours that is still active.
    func isLocal(_ id: ConnectionID) -> Bool { local.contains { $0.id == id } }

    /// Issues new IDs until the peer's limit (or ours) is reached; returns them for the endpoint.
    mutating func issueUpToLimit(random: (UnsafeMutableRawBufferPointer) -> Void) -> [Local] {
        guard localLength > 0 else { return [] }
        let target = Int(Swift.min(peerLimit, UInt64(Self.maxLocalConnectionIDs)))
        var issued: [Local] = []
        while local.count < target {
            var bytes = [UInt8](repeating: 0, count: localLength)
            bytes.withUnsafeMutableBytes { random($0) }
            guard let id = try? ConnectionID(bytes), !isLocal(id) else { continue }
            let entry = Local(sequence: nextLocalSequence, id: id, token: token(for: id))
            nextLocalSequence += 1
            local.append(entry)
            pendingNewIDs.append(entry.sequence)
            issued.append(entry)
        }
        return issued
    }

    /// The NEW_CONNECTION_ID frame for a still-active local sequence number, nil once retired.
    func newConnectionIDFrame(sequence: UInt64) -> NewConnectionIDFrame? {
        guard let entry = local.first(where: { $0.sequence == sequence }) else { return nil }
        return NewConnectionIDFrame(sequenceNumber: entry.sequence, retirePriorTo: 0, connectionID: entry.id,
                                    statelessResetToken: entry.token)
    }

    /// RFC 9000 §19.16: the peer retires one of our IDs. Returns the retired ID (nil if already gone).
    mutating func onRetireConnectionID(sequence: UInt64, packetDestination: ConnectionID) throws(TransportError) -> ConnectionID? {
        // RFC 9000 §19.16: a sequence number never sent is a PROTOCOL_VIOLATION.
        guard sequence < nextLocalSequence else {
            throw .protocolViolation(frameType: FrameType.retireConnectionID, "retired a connection ID never issued")
        }
        guard let index = local.firstIndex(where: { $0.sequence == sequence }) else { return nil }
        // RFC 9000 §19.16: it must not retire the ID the packet carrying the frame was sent to.
        guard local[index].id != packetDestination else {
            throw .protocolViolation(frameType: FrameType.retireConnectionID, "retired the connection ID in use")
        }
        let id = local[index].id
        local.remove(at: index)
        pendingNewIDs.removeAll { $0 == sequence }
        return id
    }

    // MARK: peer's IDs

    /// The Destination Connection ID to send with.
    var currentRemote: ConnectionID { remote.first?.id ?? .empty }

    /// Sets the peer's handshake ID (sequence 0); the client replaces its random one with the
    /// server's Source Connection ID (RFC 9000 §7.2).
    mutating func setInitialRemote(_ id: ConnectionID, token: StatelessResetToken? = nil) {
        remote = [Remote(sequence: 0, id: id, token: token)]
    }

    /// The server's stateless_reset_token transport parameter belongs to sequence 0 (RFC 9000 §18.2).
    mutating func setRemoteResetToken(_ token: StatelessResetToken) {
        if let i = remote.firstIndex(where: { $0.sequence == 0 }) { remote[i].token = token }
    }

    /// Whether `tail` (a datagram's last 16 bytes) is the reset token of one of the peer's IDs (RFC 9000 §10.3.1).
    func isStatelessReset(token tail: StatelessResetToken) -> Bool {
        // Constant-time comparison per token (StatelessResetToken ==, RFC 9000 §10.3.1).
        var found = false
        for entry in remote { if let token = entry.token, token == tail { found = true } }
        return found
    }

    /// RFC 9000 §19.15: a NEW_CONNECTION_ID from the peer.
    mutating func onNewConnectionID(_ frame: NewConnectionIDFrame) throws(TransportError) {
        let type = FrameType.newConnectionID
        // RFC 9000 §19.15: a peer using zero-length IDs must not send NEW_CONNECTION_ID.
        guard currentRemote.count > 0 else { throw .protocolViolation(frameType: type, "NEW_CONNECTION_ID with zero-length IDs") }
        if let existing = remote.first(where: { $0.sequence == frame.sequenceNumber }) {
            // RFC 9000 §19.15: the same sequence number with a different ID or token is a PROTOCOL_VIOLATION.
            guard existing.id == frame.connectionID, existing.token == nil || existing.token == frame.statelessResetToken else {
                throw .protocolViolation(frameType: type, "NEW_CONNECTION_ID changed a sequence number")
            }
            return
        }
        if frame.sequenceNumber < remoteRetirePriorTo {
            // RFC 9000 §19.15: already retired by an earlier Retire Prior To: retire it at once.
            try queueRetirement(frame.sequenceNumber)
            return
        }
        remote.append(Remote(sequence: frame.sequenceNumber, id: frame.connectionID, token: frame.statelessResetToken))
        remote.sort { $0.sequence < $1.sequence }
        if frame.retirePriorTo > remoteRetirePriorTo {
            remoteRetirePriorTo = frame.retirePriorTo
            while let first = remote.first, first.sequence < remoteRetirePriorTo {
                remote.removeFirst()
                try queueRetirement(first.sequence)
            }
        }
        // RFC 9000 §5.1.1: more active IDs than our limit is a CONNECTION_ID_LIMIT_ERROR.
        guard UInt64(remote.count) <= remoteLimit else {
            throw TransportError(.connectionIDLimitError, frameType: type, "more connection IDs than active_connection_id_limit")
        }
    }

    /// Stops using one of the peer's IDs (not the current one) and tells the peer (RFC 9000 §5.1.2).
    mutating func retireRemote(sequence: UInt64) throws(TransportError) -> Bool {
        guard let index = remote.firstIndex(where: { $0.sequence == sequence }), index != 0 else { return false }
        remote.remove(at: index)
        try queueRetirement(sequence)
        return true
    }

    /// RFC 9000 §9.5: moves to the peer's next unused connection ID for a new path and retires
    /// the current one. Returns false (keeping the current ID) when the peer issued no other.
    mutating func rotateRemote() throws(TransportError) -> Bool {
        guard remote.count > 1 else { return false }
        let old = remote.removeFirst()
        try queueRetirement(old.sequence)
        return true
    }

    private mutating func queueRetirement(_ sequence: UInt64) throws(TransportError) {
        guard unacknowledgedRetirements < Self.maxPendingRetirements else {
            throw TransportError(.connectionIDLimitError, frameType: FrameType.newConnectionID, "too many retired connection IDs pending")
        }
        unacknowledgedRetirements += 1
        pendingRetirements.append(sequence)
    }

    /// A RETIRE_CONNECTION_ID we sent was acknowledged.
    mutating func onRetirementAcknowledged() { unacknowledgedRetirements = Swift.max(0, unacknowledgedRetirements - 1) }
}
