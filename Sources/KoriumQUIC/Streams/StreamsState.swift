/// The stream layer of a QUIC connection (RFC 9000 §2–§4), sans-IO, embedded by `Connection`.
///
/// It owns every stream's send buffer and reassembly buffer, stream and connection flow
/// control (receive windows auto-tuned up to configured caps), stream-count limits
/// (MAX_STREAMS / STREAMS_BLOCKED), and the RESET_STREAM / STOP_SENDING state machines.
///
/// Use: the application side calls ``openStream(bidirectional:)``, ``write(_:to:)``,
/// ``finish(_:)``, ``read(_:into:)``, ``resetStream(_:errorCode:)``,
/// ``stopSending(_:errorCode:)``. The connection feeds decoded 1-RTT/0-RTT stream frames to
/// the `on…` methods (a thrown ``TransportError`` closes the connection with that code), asks
/// ``writeFrames(into:now:rtt:records:)`` to fill packets, and hands each returned
/// ``StreamFrameRecord`` back once through ``onAcked(_:)`` or ``onLost(_:)``. Events come
/// out of ``pollEvent()``.
///
/// Bounds: peer-initiated streams are limited by the stream limits we advertise, our own by
/// the peer's limits and ``maxLocalStreamsPerDirection``; a stream is forgotten as soon as
/// both of its parts are done, and only then is its slot offered back to the peer.
public struct StreamsState: Sendable {
    /// Cap on our own concurrently open streams of one direction, whatever the peer allows.
    public static let maxLocalStreamsPerDirection: Int = 1 << 16

    /// Our side of the connection.
    public let role: Role
    let localWindowBidiLocal: UInt64
    let localWindowBidiRemote: UInt64
    let localWindowUni: UInt64
    let maxStreamReceiveWindow: UInt64
    let streamSendBufferSize: Int
    var peerWindowBidiLocal: UInt64 = 0
    var peerWindowBidiRemote: UInt64 = 0
    var peerWindowUni: UInt64 = 0

    /// Stream slots; `index` maps live IDs to slots, `freeEntries` lists reusable slots.
    var entries: [StreamEntry] = []
    var freeEntries: [Int] = []
    var index: [StreamID: Int] = [:]
    /// Live locally-initiated streams per direction (bidi, uni).
    var liveLocal: (bidi: Int, uni: Int) = (0, 0)

    var bidiLimits: StreamLimits
    var uniLimits: StreamLimits
    var connectionSend = SendFlowControl(initialMaximum: 0)
    var connectionReceive: ReceiveFlowControl
    var isMaxDataPending = false
    var dataBlockedLimit: UInt64?

    /// Streams with data to send, served round-robin one frame per turn.
    var sendQueue = FIFOQueue<StreamID>()
    /// Streams with new data held back only by connection flow control.
    var connectionBlocked = FIFOQueue<StreamID>()
    /// Streams with a pending control frame.
    var controlQueue = FIFOQueue<StreamID>()
    var events = FIFOQueue<StreamEvent>()
    var isConnectionClosed = false

    /// A stream layer with our limits from `local` (initial_max_data, initial_max_stream_data_*,
    /// initial_max_streams_*), receive windows that may grow to `maxStreamReceiveWindow` per
    /// stream and `maxConnectionReceiveWindow` in total, and `streamSendBufferSize` bytes of
    /// send buffer per stream. Until ``applyPeerParameters(_:)`` the peer allows nothing.
    public init(role: Role, local: TransportParameters, maxStreamReceiveWindow: UInt64,
                maxConnectionReceiveWindow: UInt64, streamSendBufferSize: Int) {
        precondition(streamSendBufferSize > 0, "stream send buffer must be positive")
        self.role = role
        localWindowBidiLocal = local.initialMaxStreamDataBidiLocal
        localWindowBidiRemote = local.initialMaxStreamDataBidiRemote
        localWindowUni = local.initialMaxStreamDataUni
        self.maxStreamReceiveWindow = maxStreamReceiveWindow
        self.streamSendBufferSize = streamSendBufferSize
        bidiLimits = StreamLimits(initial: local.initialMaxStreamsBidi)
        uniLimits = StreamLimits(initial: local.initialMaxStreamsUni)
        connectionReceive = ReceiveFlowControl(
            initialWindow: local.initialMaxData, maximumWindow: Swift.max(local.initialMaxData, maxConnectionReceiveWindow))
    }

    /// Takes the peer's limits from its transport parameters (RFC 9000 §18.2); limits only
    /// grow, so streams opened earlier (0-RTT) keep working.
    public mutating func applyPeerParameters(_ peer: TransportParameters) {
        peerWindowBidiLocal = peer.initialMaxStreamDataBidiLocal
        peerWindowBidiRemote = peer.initialMaxStreamDataBidiRemote
        peerWindowUni = peer.initialMaxStreamDataUni
        connectionSend.onMaximumRaised(to: peer.initialMaxData)
        raisePeerStreamLimit(bidirectional: true, to: Swift.min(peer.initialMaxStreamsBidi, Frame.maxStreamCount))
        raisePeerStreamLimit(bidirectional: false, to: Swift.min(peer.initialMaxStreamsUni, Frame.maxStreamCount))
        for slot in entries.indices where entries[slot].send != nil {
            let id = entries[slot].id
            entries[slot].send!.flow.onMaximumRaised(to: peerSendWindow(for: id))
            schedule(slot)
        }
        wakeConnectionBlocked()
    }

    // MARK: Table

    /// Live streams in the table.
    public var streamCount: Int { index.count }

    /// Bytes held in `id`'s send buffer (unacknowledged plus unsent), or nil when it has none.
    public func sendBufferedBytes(_ id: StreamID) -> Int? {
        index[id].flatMap { entries[$0].send?.buffer.count }
    }

    func limits(_ bidirectional: Bool) -> StreamLimits { bidirectional ? bidiLimits : uniLimits }

    mutating func updateLimits(_ bidirectional: Bool, _ body: (inout StreamLimits) -> Void) {
        if bidirectional { body(&bidiLimits) } else { body(&uniLimits) }
    }

    /// The peer's initial limit for our sending on `id` (RFC 9000 §18.2: "local"/"remote" are
    /// from the peer's point of view).
    func peerSendWindow(for id: StreamID) -> UInt64 {
        guard id.isBidirectional else { return peerWindowUni }
        return id.initiator == role ? peerWindowBidiRemote : peerWindowBidiLocal
    }

    /// Our initial receive window for `id`.
    func localReceiveWindow(for id: StreamID) -> UInt64 {
        guard id.isBidirectional else { return localWindowUni }
        return id.initiator == role ? localWindowBidiLocal : localWindowBidiRemote
    }

    /// Creates the entry for `id` with the parts our role has on it.
    mutating func insertEntry(_ id: StreamID) -> Int {
        var entry = StreamEntry(id: id)
        if id.canSend(role) { entry.send = SendStream(bufferLimit: streamSendBufferSize, peerMaximum: peerSendWindow(for: id)) }
        if id.canReceive(role) {
            entry.recv = RecvStream(window: localReceiveWindow(for: id), maximumWindow: maxStreamReceiveWindow)
        }
        let slot: Int
        if let free = freeEntries.popLast() {
            entries[free] = entry
            slot = free
        } else {
            entries.append(entry)
            slot = entries.count - 1
        }
        index[id] = slot
        return slot
    }

    /// Drops the entry once both parts are done; a closed peer stream frees a slot for the
    /// peer (MAX_STREAMS, RFC 9000 §4.6).
    mutating func releaseIfClosed(_ slot: Int) {
        guard entries[slot].isClosed else { return }
        let id = entries[slot].id
        index[id] = nil
        entries[slot].send = nil
        entries[slot].recv = nil
        entries[slot].isQueued = false
        entries[slot].isConnectionBlocked = false
        entries[slot].isControlQueued = false
        freeEntries.append(slot)
        if id.initiator == role {
            if id.isBidirectional { liveLocal.bidi -= 1 } else { liveLocal.uni -= 1 }
        } else {
            updateLimits(id.isBidirectional) { $0.onRemoteClosed() }
        }
    }

    /// Puts the stream in the send queue if it has something to send now; otherwise, when new
    /// data waits only for credit, notes it as blocked (RFC 9000 §4.1: *_BLOCKED frames) so
    /// the matching MAX_DATA / MAX_STREAM_DATA wakes it.
    mutating func schedule(_ slot: Int) {
        guard let send = entries[slot].send, send.resetCode == nil else { return }
        if send.hasSendableData(connectionAvailable: connectionSend.available > 0) {
            guard !entries[slot].isQueued else { return }
            entries[slot].isQueued = true
            sendQueue.append(entries[slot].id)
        } else if send.unsentCount > 0 {
            if send.flow.available == 0 {
                if let limit = entries[slot].send!.flow.pollBlocked() {
                    entries[slot].send!.blockedLimit = limit
                    scheduleControl(slot)
                }
            } else {
                if !entries[slot].isConnectionBlocked {
                    entries[slot].isConnectionBlocked = true
                    connectionBlocked.append(entries[slot].id)
                }
                if let limit = connectionSend.pollBlocked() { dataBlockedLimit = limit }
            }
        }
    }

    /// Puts the stream in the control queue if it has a control frame waiting.
    mutating func scheduleControl(_ slot: Int) {
        guard !entries[slot].isControlQueued, entries[slot].hasControlFrames else { return }
        entries[slot].isControlQueued = true
        controlQueue.append(entries[slot].id)
    }

    /// Connection credit arrived: streams held back by it go back into the send queue.
    mutating func wakeConnectionBlocked() {
        guard connectionSend.available > 0 else { return }
        while let id = connectionBlocked.popFirst() {
            guard let slot = index[id], entries[slot].isConnectionBlocked else { continue }
            entries[slot].isConnectionBlocked = false
            schedule(slot)
        }
    }

    mutating func raisePeerStreamLimit(bidirectional: Bool, to maximum: UInt64) {
        var signal = false
        updateLimits(bidirectional) { limits in
            guard maximum > limits.peerMaximum else { return }
            limits.peerMaximum = maximum
            if limits.wantsAvailable {
                limits.wantsAvailable = false
                signal = true
            }
        }
        if signal { events.append(.streamsAvailable(bidirectional: bidirectional)) }
    }

    /// Returns connection-level credit for `bytes` consumed (read or discarded).
    mutating func creditConnection(_ bytes: UInt64) {
        guard bytes > 0 else { return }
        connectionReceive.onConsumed(bytes)
        if connectionReceive.isUpdateDue { isMaxDataPending = true }
    }

    // MARK: Events

    /// The next stream event, or nil.
    public mutating func pollEvent() -> StreamEvent? { events.popFirst() }

    /// Whether ``writeFrames(into:now:rtt:records:)`` has something to write.
    public var hasPendingFrames: Bool {
        isMaxDataPending || dataBlockedLimit != nil || !sendQueue.isEmpty || !controlQueue.isEmpty
            || bidiLimits.isMaxStreamsPending || uniLimits.isMaxStreamsPending
            || bidiLimits.blockedLimit != nil || uniLimits.blockedLimit != nil
    }
}
