import KoriumCrypto
import KoriumWire

/// A QUIC endpoint as a sans-IO state machine (RFC 9000 §5.2, STYLE.md item 2): it owns the
/// connections of one UDP socket, routes each datagram to its connection by Destination
/// Connection ID, creates server connections for valid client Initials, and answers what no
/// connection owns statelessly — Version Negotiation (§6), Retry (§8.1.2), Stateless Reset
/// (§10.3). Connections never point back at it; they talk through event values.
///
/// Driving it (one thread, the event loop):
/// 1. every received datagram → ``handle(datagram:from:now:)``;
/// 2. then ``pollTransmit(into:now:)`` until nil, sending each datagram;
/// 3. drain ``pollEvent()``;
/// 4. arm a timer for ``nextDeadline`` and call ``handleTimeout(now:)`` when it passes, then
///    poll transmits and events again.
/// Application calls go through ``withConnection(_:now:_:)``, which afterwards picks up the
/// connection's events, timer and output, so step 2–4 follow them too.
public struct Endpoint: Sendable {
    /// One connection's place in the table.
    struct Slot: Sendable {
        var generation: UInt32 = 0
        var connection: Connection?
        /// `connection != nil`, kept alongside it: testing the optional itself makes the compiler
        /// copy the whole (multi-kilobyte) `Connection` out of the array, on every datagram.
        var live = false
        /// Local connection IDs routed here (from `.connectionIDIssued` / `.connectionIDRetired`).
        var cids: [ConnectionID] = []
        /// Server: the client's first Destination Connection ID, routed here until the client
        /// switches to ours (RFC 9000 §7.2).
        var initialKey: ConnectionID?
        /// The peer's address as routed by `addressRoutes`.
        var remote: PathAddress?
        /// The deadline pushed to the heap for this slot (a heap entry with another is stale).
        var scheduled: Instant?
        /// Queued in `sendQueue`.
        var queuedForSend = false
        /// A server connection whose handshake has not completed (counts for the Retry policy).
        var isPendingServerHandshake = false
        /// Client: a Retry / Version Negotiation packet reached this connection.
        var sawRetry = false
        var sawVersionNegotiation = false
        /// Client: an unknown version offered first, waiting for Version Negotiation.
        var versionProbe: VersionProbe?
    }

    /// RFC 9000 §6: a client offering an unknown version before QUIC v1.
    struct VersionProbe: Sendable {
        var version: UInt32
        var destination: ConnectionID
        var source: ConnectionID
        var remote: PathAddress
        var attempts: Int
        var deadline: Instant
    }

    /// The configuration (CID length, keys, policies, caps).
    public let configuration: EndpointConfiguration
    let tokens: AddressValidationTokenKey

    var slots: [Slot] = []
    var freeSlots: [UInt32] = []
    var routes: [ConnectionID: ConnectionHandle] = [:]
    var initialRoutes: [ConnectionID: ConnectionHandle] = [:]
    var addressRoutes: [PathAddress: ConnectionHandle] = [:]
    var timers = DeadlineHeap()
    var sendQueue = FIFOQueue<UInt32>()
    var events = FIFOQueue<EndpointEvent>()
    var stateless = FIFOQueue<StatelessResponse>()
    var resetWindowStart: Instant?
    var resetsInWindow = 0
    var pendingServerHandshakes = 0
    /// Reused by `handleTimeout` so firing timers allocates nothing in steady state.
    var dueScratch: [Int] = []

    /// Connections currently held (handshaking, open, closing or draining).
    public private(set) var connectionCount = 0
    /// Counters.
    public internal(set) var stats = EndpointStats()

    /// An endpoint with `configuration`; no connections yet.
    public init(configuration: EndpointConfiguration) {
        precondition((0...ConnectionID.maxLength).contains(configuration.localConnectionIDLength))
        precondition(configuration.server == nil || configuration.localConnectionIDLength >= 1,
                     "a server needs non-empty connection IDs to route Initials")
        self.configuration = configuration
        do { tokens = try AddressValidationTokenKey(key: configuration.tokenKey) } catch {
            preconditionFailure("token key must be 32 bytes")
        }
    }

    // MARK: handles

    func handle(for index: Int) -> ConnectionHandle {
        ConnectionHandle(index: UInt32(index), generation: slots[index].generation)
    }

    func index(of handle: ConnectionHandle) -> Int? {
        let i = Int(handle.index)
        guard i < slots.count, slots[i].generation == handle.generation, slots[i].live else { return nil }
        return i
    }

    /// Whether `handle` names a live connection.
    public func contains(_ handle: ConnectionHandle) -> Bool { index(of: handle) != nil }

    /// Handles of every live connection.
    public var handles: [ConnectionHandle] {
        slots.indices.filter { slots[$0].live }.map { handle(for: $0) }
    }

    /// Client: whether the server answered this connection with a Retry.
    public func sawRetry(_ handle: ConnectionHandle) -> Bool { index(of: handle).map { slots[$0].sawRetry } ?? false }

    /// Client: whether a Version Negotiation packet preceded this connection's handshake.
    public func sawVersionNegotiation(_ handle: ConnectionHandle) -> Bool {
        index(of: handle).map { slots[$0].sawVersionNegotiation } ?? false
    }

    /// Lends the connection to `body` read-only; nil for a stale handle.
    public func inspect<R, E: Error>(_ handle: ConnectionHandle, _ body: (borrowing Connection) throws(E) -> R) throws(E) -> R? {
        guard let i = index(of: handle), let connection = slots[i].connection else { return nil }
        return try body(connection)
    }

    /// Lends the connection to `body` for application calls (open, write, read, close, …) and
    /// then collects its events, timer and output. Nil (and `body` is not called) for a stale
    /// handle.
    public mutating func withConnection<R, E: Error>(
        _ handle: ConnectionHandle, now: Instant, _ body: (inout Connection) throws(E) -> R
    ) throws(E) -> R? {
        guard let i = index(of: handle) else { return nil }
        let result: R
        do {
            result = try body(&slots[i].connection!)
        } catch {
            afterOperation(i, now: now)
            throw error
        }
        afterOperation(i, now: now)
        return result
    }

    // MARK: input

    /// Routes one received datagram (modified in place: packet protection is removed in place).
    public mutating func handle(datagram: UnsafeMutableRawBufferPointer, from remote: PathAddress, now: Instant) {
        guard datagram.count > 0 else {
            stats.datagramsDropped += 1
            return
        }
        let header: PacketHeader
        do {
            header = try PacketHeader.parse(
                UnsafeRawBufferPointer(datagram), shortHeaderConnectionIDLength: configuration.localConnectionIDLength)
        } catch {
            // RFC 9000 §12.2 / §17: an unparsable first header drops the whole datagram; a
            // short header too short to hold a connection ID gets no Stateless Reset either.
            stats.datagramsDropped += 1
            return
        }

        switch header.type {
        case .oneRTT:
            if let i = route(header.destinationConnectionID, remote: remote) {
                deliver(i, datagram, from: remote, now: now)
            } else if let i = addressRoutes[remote].flatMap(index(of:)) {
                // An unknown connection ID from a known peer: possibly a Stateless Reset for
                // that connection (RFC 9000 §10.3.1: its connection ID bytes are random), which
                // only the connection can recognise by its token.
                deliver(i, datagram, from: remote, now: now)
            } else {
                queueStatelessReset(destinationID: header.destinationConnectionID, remote: remote,
                                    triggerSize: datagram.count, now: now)
                stats.datagramsDropped += 1
            }

        case .versionNegotiation:
            // RFC 9000 §6.1: never answered; only a client waiting for it uses it.
            guard let i = route(header.destinationConnectionID, remote: remote) else {
                stats.datagramsDropped += 1
                return
            }
            handleVersionNegotiation(i, header: header, datagram: UnsafeRawBufferPointer(datagram), from: remote, now: now)

        case .unsupportedVersion:
            queueVersionNegotiation(header: header, datagram: UnsafeRawBufferPointer(datagram), remote: remote)

        case .retry:
            guard let i = route(header.destinationConnectionID, remote: remote) else {
                stats.datagramsDropped += 1
                return
            }
            if slots[i].connection?.role == .client { slots[i].sawRetry = true }
            deliver(i, datagram, from: remote, now: now)

        case .initial, .zeroRTT, .handshake:
            if let i = route(header.destinationConnectionID, remote: remote)
                ?? initialRoutes[header.destinationConnectionID].flatMap(index(of:)) {
                deliver(i, datagram, from: remote, now: now)
            } else if header.type == .initial {
                acceptInitial(header: header, datagram: datagram, from: remote, now: now)
            } else {
                // 0-RTT or Handshake for no connection (e.g. reordered before its Initial, or a
                // connection already dropped): discarded.
                stats.datagramsDropped += 1
            }
        }
    }

    /// The slot a packet's Destination Connection ID routes to.
    func route(_ cid: ConnectionID, remote: PathAddress) -> Int? {
        if configuration.localConnectionIDLength == 0 { return addressRoutes[remote].flatMap(index(of:)) }
        return routes[cid].flatMap(index(of:))
    }

    mutating func deliver(_ i: Int, _ datagram: UnsafeMutableRawBufferPointer, from remote: PathAddress, now: Instant) {
        stats.datagramsRouted += 1
        slots[i].connection!.handle(datagram: datagram, from: remote, now: now)
        afterOperation(i, now: now)
    }

    // MARK: timers

    /// The earliest time ``handleTimeout(now:)`` must be called, over every connection and the
    /// endpoint's own timers; nil when nothing is pending.
    public var nextDeadline: Instant? { timers.top?.deadline }

    /// Runs the timers of every connection whose deadline is at or before `now`.
    public mutating func handleTimeout(now: Instant) {
        // Collect the due slots first: a connection's deadline may stay at or before `now`
        // until its output is polled (e.g. an ACK is due), which must not spin this loop.
        // Swap the scratch out rather than copy it: a copy shares the buffer, and
        // `removeAll(keepingCapacity:)` on a shared buffer allocates a new one on every call.
        var due: [Int] = []
        swap(&due, &dueScratch)
        due.removeAll(keepingCapacity: true)
        defer { dueScratch = due }
        while let top = timers.top, top.deadline <= now {
            timers.pop()
            let i = Int(top.index)
            guard i < slots.count, slots[i].generation == top.generation, slots[i].live,
                  slots[i].scheduled == top.deadline
            else { continue }
            slots[i].scheduled = nil
            due.append(i)
        }
        for i in due where slots[i].live {
            if slots[i].versionProbe != nil {
                handleVersionProbeTimeout(i, now: now)
            } else {
                slots[i].connection!.handleTimeout(now: now)
            }
            afterOperation(i, now: now)
        }
        pruneStaleTimers()
    }

    mutating func pruneStaleTimers() {
        while let top = timers.top {
            let i = Int(top.index)
            if i < slots.count, slots[i].generation == top.generation, slots[i].live,
               slots[i].scheduled == top.deadline { return }
            timers.pop()
        }
    }

    // MARK: output

    /// Writes the next datagram to send into `buffer` (at least 1200 bytes; the connections'
    /// `maxUDPPayloadSize`, or more for GSO batches) and says where it goes; nil when nothing
    /// is waiting. Stateless responses go first, then connections in round-robin order.
    public mutating func pollTransmit(into buffer: UnsafeMutableRawBufferPointer, now: Instant) -> Transmit? {
        while let response = stateless.popFirst() {
            if let transmit = write(response, into: buffer) { return transmit }
        }
        while let index = sendQueue.first {
            let i = Int(index)
            // Gone, or a client still waiting for Version Negotiation (its probe is a stateless
            // response): nothing to poll.
            guard slots[i].live, slots[i].versionProbe == nil else {
                _ = sendQueue.popFirst()
                slots[i].queuedForSend = false
                continue
            }
            let transmit = slots[i].connection!.pollTransmit(into: buffer, now: now)
            if transmit == nil {
                _ = sendQueue.popFirst()
                slots[i].queuedForSend = false
            } else if sendQueue.count > 1 {
                // Round robin: one datagram (or GSO batch) per connection per turn.
                _ = sendQueue.popFirst()
                sendQueue.append(index)
            }
            afterOperation(i, now: now, queueForSend: false)
            if let transmit { return transmit }
        }
        return nil
    }

    // MARK: events

    /// The next endpoint event, if any.
    public mutating func pollEvent() -> EndpointEvent? { events.popFirst() }

    // MARK: bookkeeping

    /// After anything touched connection `i`: route its new connection IDs, queue its events,
    /// reschedule its timer, queue it for sending, and drop it once closed.
    mutating func afterOperation(_ i: Int, now: Instant, queueForSend: Bool = true) {
        let handle = handle(for: i)
        var closed = false
        while let event = slots[i].connection!.pollEvent() {
            switch event {
            case .connectionIDIssued(let cid, _):
                if configuration.localConnectionIDLength > 0 {
                    routes[cid] = handle
                    if !slots[i].cids.contains(cid) { slots[i].cids.append(cid) }
                }
            case .connectionIDRetired(let cid):
                if routes[cid] == handle { routes.removeValue(forKey: cid) }
                slots[i].cids.removeAll { $0 == cid }
            case .handshakeCompleted:
                if slots[i].isPendingServerHandshake {
                    slots[i].isPendingServerHandshake = false
                    pendingServerHandshakes -= 1
                }
                queue(.connection(handle, event), from: i, now: now)
            case .closed:
                closed = true
                queue(.connection(handle, event), from: i, now: now)
            case .streamOpened, .streamReadable, .streamWritable, .streamReset, .stopSendingReceived, .streamsAvailable,
                 .datagramReceived, .newToken:
                queue(.connection(handle, event), from: i, now: now)
            }
        }
        if closed {
            remove(i)
            return
        }
        // Not `probe?.deadline ?? connection!.nextDeadline`: reading through the optional copies
        // the whole slot and connection; the mutating accessor reads it in place.
        let deadline: Instant?
        if let probe = slots[i].versionProbe {
            deadline = probe.deadline
        } else {
            deadline = slots[i].connection!.nextDeadlineInPlace()
        }
        if deadline != slots[i].scheduled {
            slots[i].scheduled = deadline
            if let deadline {
                timers.push(DeadlineHeap.Entry(deadline: deadline, index: UInt32(i), generation: slots[i].generation))
                if timers.count > 4 * connectionCount + 64 { compactTimers() }
            }
        }
        pruneStaleTimers()
        if queueForSend && !slots[i].queuedForSend && slots[i].versionProbe == nil {
            slots[i].queuedForSend = true
            sendQueue.append(UInt32(i))
        }
    }

    mutating func queue(_ event: EndpointEvent, from i: Int, now: Instant) {
        guard events.count < configuration.maxQueuedEvents else {
            // The owner is not polling: bound memory by closing the connection that overflows.
            slots[i].connection!.close(errorCode: 0, reason: Array("endpoint event queue full".utf8), now: now)
            return
        }
        events.append(event)
    }

    /// Drops stale heap entries (rescheduled or gone connections) in place.
    mutating func compactTimers() {
        let slots = self.slots
        timers.removeAll { entry in
            let i = Int(entry.index)
            return i >= slots.count || slots[i].generation != entry.generation || !slots[i].live
                || slots[i].scheduled != entry.deadline
        }
    }

    /// Inserts a new connection; its first events and output are collected at once.
    mutating func insert(_ connection: Connection, remote: PathAddress, now: Instant) -> Int {
        let i: Int
        if let free = freeSlots.popLast() {
            i = Int(free)
        } else {
            slots.append(Slot())
            i = slots.count - 1
        }
        slots[i].connection = connection
        slots[i].live = true
        slots[i].remote = remote
        connectionCount += 1
        if addressRoutes[remote].flatMap(index(of:)) == nil { addressRoutes[remote] = handle(for: i) }
        return i
    }

    /// Drops connection `i` and everything routed to it; its handle becomes stale.
    mutating func remove(_ i: Int) {
        let handle = handle(for: i)
        for cid in slots[i].cids where routes[cid] == handle { routes.removeValue(forKey: cid) }
        if let key = slots[i].initialKey, initialRoutes[key] == handle { initialRoutes.removeValue(forKey: key) }
        if let remote = slots[i].remote, addressRoutes[remote] == handle { addressRoutes.removeValue(forKey: remote) }
        if slots[i].isPendingServerHandshake { pendingServerHandshakes -= 1 }
        let generation = slots[i].generation &+ 1
        let wasQueued = slots[i].queuedForSend
        slots[i] = Slot()
        slots[i].generation = generation
        // A queued index is skipped by pollTransmit once its connection is gone; keep the flag so
        // the slot is not queued twice if reused before that.
        slots[i].queuedForSend = wasQueued
        freeSlots.append(UInt32(i))
        connectionCount -= 1
    }
}

extension Connection {
    /// ``nextDeadline`` through `inout` access, so the endpoint reads it without copying the
    /// connection out of its slot (inlined, the getter would run on a 3.5 kB stack copy).
    @inline(never)
    mutating func nextDeadlineInPlace() -> Instant? { nextDeadline }
}
