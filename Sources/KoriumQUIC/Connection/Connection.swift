import KoriumCrypto
import KoriumTLS
import KoriumWire

/// A QUIC v1 connection as a sans-IO value-type state machine (RFC 9000, 9001, 9002; STYLE.md
/// item 1): no sockets, no clock, randomness injected through the configuration.
///
/// Driving it: feed every datagram for it to ``handle(datagram:from:now:)``; then call
/// ``pollTransmit(into:now:)`` until it returns nil, sending each datagram; drain
/// ``pollEvent()``; arm a timer for ``nextDeadline`` and call ``handleTimeout(now:)`` when it
/// passes (then poll transmits and events again). Application calls (``close(errorCode:reason:now:)``,
/// ``ping()``, ``sendDatagram(_:)``, …) are followed by ``pollTransmit(into:now:)`` as well.
///
/// Peer misbehaviour never traps or throws out of `handle`: it closes the connection with the
/// RFC 9000 §20 error code, sends CONNECTION_CLOSE, and reports ``ConnectionEvent/closed(_:)``.
public struct Connection: Sendable {
    /// Packet-number spaces, indexed by `PacketNumberSpace.rawValue`.
    var spaces: [PacketSpace] = [PacketSpace(.initial), PacketSpace(.handshake), PacketSpace(.applicationData)]

    /// Which side we are.
    public let role: Role
    let config: ConnectionConfiguration
    /// The peer's address: the current path (moves when the client migrates, RFC 9000 §9).
    public internal(set) var remoteAddress: PathAddress
    /// Where the connection is in its life.
    public internal(set) var state: ConnectionState = .handshaking
    /// The QUIC version in use.
    public let version: UInt32

    var tls: TLSSession
    /// The stream layer.
    var streams: StreamsState
    /// Scratch for the stream records of one packet.
    var streamRecords: [StreamFrameRecord] = []
    /// The level TLS currently writes at.
    var tlsWriteLevel: EncryptionLevel = .initial
    var oneRTT: OneRTTKeys?
    var recovery: RecoveryState
    var pacer: Pacer
    /// Path MTU discovery: the current maximum datagram size and the probe search.
    var pmtu: PathMTUDiscovery
    var cids: ConnectionIDManager

    /// Our transport parameters as sent.
    public internal(set) var localParameters: TransportParameters
    /// The peer's transport parameters, once received and validated.
    public internal(set) var peerParameters: TransportParameters?

    /// Client: the Destination Connection ID of its first Initial; server: as given by the endpoint.
    public internal(set) var originalDestinationConnectionID: ConnectionID
    /// The Destination Connection ID of the client's first Initial after any Retry (Initial keys
    /// are derived from it, RFC 9001 §5.2).
    public internal(set) var initialDestinationConnectionID: ConnectionID
    /// The Source Connection ID of a Retry (client: received; server: sent by the endpoint).
    public internal(set) var retrySourceConnectionID: ConnectionID?
    /// The Source Connection ID the peer used in its first Initial (checked against its
    /// initial_source_connection_id, RFC 9000 §7.3).
    var peerInitialSourceConnectionID: ConnectionID?
    /// Client: the token for Initial packets (from Retry or NEW_TOKEN).
    var initialToken: [UInt8]

    /// TLS reported completion (RFC 9001 §4.1.1).
    public internal(set) var isHandshakeComplete = false
    /// RFC 9001 §4.1.2: server: at completion; client: on HANDSHAKE_DONE.
    public internal(set) var isHandshakeConfirmed = false
    /// Server: the client's address is validated (RFC 9000 §8.1), lifting the 3× limit.
    public internal(set) var isAddressValidated: Bool
    /// Server: UDP payload bytes received / sent before address validation (RFC 9000 §8.1).
    var amplificationReceived = 0
    var amplificationSent = 0
    /// Client: a packet from the server was processed (no more Retry / Version Negotiation).
    var receivedFirstServerPacket = false

    /// Events not yet polled.
    var events = FIFOQueue<ConnectionEvent>()
    /// The authenticated peer, after its CertificateVerify.
    public internal(set) var peerIdentity: PeerIdentity?
    /// The negotiated ALPN protocol.
    public internal(set) var negotiatedALPN: [UInt8]?

    // Things to send.
    var handshakeDonePending = false
    var pingPending = false
    var pathResponses: [UInt64] = []
    var outgoingDatagrams = FIFOQueue<[UInt8]>()
    /// Server: NEW_TOKEN frames to send (resent when lost).
    var pendingNewTokens: [[UInt8]] = []
    /// Tokens kept until acknowledged, by an id carried in the sent-frame record.
    var inFlightNewTokens: [UInt64: [UInt8]] = [:]
    var nextNewTokenID: UInt64 = 0
    /// DATAGRAM events queued and not yet polled.
    var receivedDatagramCount = 0

    // Migration (RFC 9000 §9; Connection+Migration.swift).
    /// The congestion state last reported to qlog.
    var qlogCongestionState: QLogCongestionState?
    /// The new path being validated, if any.
    var migration: PathValidation?
    /// Per datagram: it came from an address other than the current path, and one of its
    /// packets was non-probing with the highest packet number so far (RFC 9000 §9.3).
    var datagramFromNewAddress = false
    var datagramMayMigrate = false
    /// PATH_RESPONSE frames queued before the current datagram (probes from an address we do
    /// not move to are not answered).
    var pathResponsesBeforeDatagram = 0

    // Timers.
    let createdAt: Instant
    var idle = IdleTimer()
    var lastSendTime: Instant
    var pacingDeadline: Instant?
    var closeDeadline: Instant?
    var previousKeyDiscardDeadline: Instant?
    var packetsSinceKeyUpdate: UInt64 = 0

    // Closing.
    var close: CloseState?

    /// Scratch for loss detection output, reused so steady state allocates nothing.
    var ackedScratch: [SentPacket] = []
    var lostScratch: [SentPacket] = []
    /// Scratch for a received packet's frames' side effects.
    var statsStorage = ConnectionStats()

    /// Total AEAD failures (RFC 9001 §6.6 integrity limit).
    var authenticationFailures: UInt64 = 0

    /// Client side: starts a handshake with the server at `remote`. The first flight is ready for
    /// ``pollTransmit(into:now:)`` at once. `token` is a NEW_TOKEN from an earlier connection.
    public init(
        client config: ConnectionConfiguration, remote: PathAddress, now: Instant,
        token: [UInt8] = [], version: UInt32 = QUICVersion.v1
    ) throws(ConnectionError) {
        precondition(QUICVersion.isSupported(version), "unsupported QUIC version")
        precondition((0...ConnectionID.maxLength).contains(config.localConnectionIDLength))
        role = .client
        self.config = config
        remoteAddress = remote
        self.version = version
        createdAt = now
        lastSendTime = now
        initialToken = token
        isAddressValidated = true
        // RFC 9000 §7.2: the first Destination Connection ID is unpredictable, at least 8 bytes.
        let odcid = Self.randomConnectionID(length: 8, random: config.random)
        let scid = Self.randomConnectionID(length: config.localConnectionIDLength, random: config.random)
        originalDestinationConnectionID = odcid
        initialDestinationConnectionID = odcid
        cids = ConnectionIDManager(localLength: config.localConnectionIDLength, resetKey: config.statelessResetKey,
                                   remoteLimit: Swift.max(2, config.transportParameters.activeConnectionIDLimit))
        let first = cids.setInitialLocal(scid)
        cids.setInitialRemote(odcid)
        var params = config.transportParameters
        params.initialSourceConnectionID = scid
        params.originalDestinationConnectionID = nil
        params.retrySourceConnectionID = nil
        params.statelessResetToken = nil
        params.activeConnectionIDLimit = Swift.max(2, params.activeConnectionIDLimit)
        localParameters = params
        (streams, recovery, pacer) = Self.transportMachines(role: .client, config: config, local: params)
        pmtu = PathMTUDiscovery(maximum: config.maxUDPPayloadSize, enabled: config.pmtuDiscovery)
        tls = TLSSession(client: config.tls, transportParameters: Self.encode(params), now: config.unixTime())
        try installInitialKeys()
        events.append(.connectionIDIssued(first.id, first.token))
        reserveScratch()
        // RFC 9000 §10.1: a client whose server never answers times out like any other.
        startIdleTimerIfNeeded(now: now)
        drainTLS(now: now)
    }

    /// Server side, created by the endpoint for a client Initial it accepted. `originalDestinationCID`
    /// is the client's first Destination Connection ID (before any Retry), `initialDestinationCID`
    /// the one of the Initial being answered (Initial keys derive from it), `localCID` our chosen
    /// ID, `retrySourceCID` the Source Connection ID of the Retry we sent, if any, and
    /// `addressValidated` whether a token already proved the address (RFC 9000 §8.1).
    public init(
        server config: ConnectionConfiguration, remote: PathAddress, now: Instant,
        originalDestinationCID: ConnectionID, initialDestinationCID: ConnectionID,
        localCID: ConnectionID, retrySourceCID: ConnectionID?, addressValidated: Bool
    ) throws(ConnectionError) {
        precondition(localCID.count == config.localConnectionIDLength, "localCID must have the configured length")
        role = .server
        self.config = config
        remoteAddress = remote
        version = QUICVersion.v1
        createdAt = now
        lastSendTime = now
        initialToken = []
        isAddressValidated = addressValidated
        originalDestinationConnectionID = originalDestinationCID
        initialDestinationConnectionID = initialDestinationCID
        retrySourceConnectionID = retrySourceCID
        cids = ConnectionIDManager(localLength: config.localConnectionIDLength, resetKey: config.statelessResetKey,
                                   remoteLimit: Swift.max(2, config.transportParameters.activeConnectionIDLimit))
        let first = cids.setInitialLocal(localCID)
        var params = config.transportParameters
        params.initialSourceConnectionID = localCID
        params.originalDestinationConnectionID = originalDestinationCID
        params.retrySourceConnectionID = retrySourceCID
        params.statelessResetToken = first.token
        params.activeConnectionIDLimit = Swift.max(2, params.activeConnectionIDLimit)
        localParameters = params
        (streams, recovery, pacer) = Self.transportMachines(role: .server, config: config, local: params)
        pmtu = PathMTUDiscovery(maximum: config.maxUDPPayloadSize, enabled: config.pmtuDiscovery)
        tls = TLSSession(server: config.tls, transportParameters: Self.encode(params), now: config.unixTime())
        try installInitialKeys()
        events.append(.connectionIDIssued(first.id, first.token))
        reserveScratch()
    }

    /// The stream layer, recovery and pacer for one role, built from the configuration and our
    /// final transport parameters (shared by both initialisers). Both start at the base datagram
    /// size; PMTU discovery raises it (RFC 9000 §14.3).
    static func transportMachines(
        role: Role, config: ConnectionConfiguration, local params: TransportParameters
    ) -> (StreamsState, RecoveryState, Pacer) {
        (StreamsState(role: role, local: params, maxStreamReceiveWindow: config.maxStreamReceiveWindow,
                      maxConnectionReceiveWindow: config.maxConnectionReceiveWindow,
                      streamSendBufferSize: config.streamSendBufferSize),
         RecoveryState(role: role, algorithm: config.congestion, maxDatagramSize: PathMTUDiscovery.baseSize),
         Pacer(maxDatagramSize: PathMTUDiscovery.baseSize))
    }

    mutating func reserveScratch() {
        ackedScratch.reserveCapacity(256)
        lostScratch.reserveCapacity(256)
        streamRecords.reserveCapacity(64)
    }

    /// NEW_TOKEN frames queued or in flight at most.
    static let maxPendingNewTokens = 4
    /// PATH_RESPONSE frames queued at most (RFC 9000 §9.3.3 lets a flood of challenges be dropped).
    static let maxPendingPathResponses = 4

    static func encode(_ params: TransportParameters) -> [UInt8] {
        var writer = ByteWriter(capacity: 256)
        do { try params.encode(to: &writer) } catch { preconditionFailure("our transport parameters encode") }
        return writer.bytes
    }

    static func randomConnectionID(length: Int, random: (UnsafeMutableRawBufferPointer) -> Void) -> ConnectionID {
        var bytes = [UInt8](repeating: 0, count: length)
        bytes.withUnsafeMutableBytes { random($0) }
        do { return try ConnectionID(bytes) } catch { preconditionFailure("length checked ≤ 20") }
    }

    /// RFC 9001 §5.2: Initial keys from the client's Destination Connection ID.
    mutating func installInitialKeys() throws(ConnectionError) {
        let keys: (client: PacketKeys, server: PacketKeys)
        do { keys = try PacketKeys.initial(destinationConnectionID: initialDestinationConnectionID) } catch {
            throw .transport(TransportError(.internalError, "Initial key derivation failed"))
        }
        spaces[0].localKeys = role == .client ? keys.client : keys.server
        spaces[0].remoteKeys = role == .client ? keys.server : keys.client
    }

    // MARK: accessors

    /// The connection IDs we issued that are active (the endpoint routes them here).
    public var localConnectionIDs: [ConnectionID] { cids.local.map(\.id) }
    /// Our handshake connection ID (sequence 0 for the server; the client's Source Connection ID).
    public var initialLocalConnectionID: ConnectionID { cids.local.first?.id ?? .empty }
    /// The Destination Connection ID we currently send with.
    public var remoteConnectionID: ConnectionID { cids.currentRemote }

    /// Counters and estimates.
    public var stats: ConnectionStats {
        var s = statsStorage
        let rtt = recovery.rtt
        s.smoothedRTT = rtt.smoothed
        s.minimumRTT = rtt.minimum
        s.congestionWindow = recovery.congestionWindow
        s.bytesInFlight = recovery.bytesInFlight
        s.maxDatagramSize = pmtu.current
        s.pmtuProbesSent = pmtu.probesSent
        s.pmtuProbesLost = pmtu.probesLost
        s.pmtuBlackHoles = pmtu.blackHoles
        return s
    }

    /// The next event, if any.
    public mutating func pollEvent() -> ConnectionEvent? {
        drainStreamEvents()
        guard let event = events.popFirst() else { return nil }
        if case .datagramReceived = event { receivedDatagramCount -= 1 }
        return event
    }

    mutating func emit(_ event: ConnectionEvent) {
        events.append(event)
    }
}
