import KoriumWire

extension Endpoint {
    /// How long a client waits for Version Negotiation after offering an unknown version.
    public static let versionProbeTimeout: Duration = .seconds(1)
    /// Probes sent before giving up on Version Negotiation and starting QUIC v1 directly.
    public static let maxVersionProbes = 3

    /// Starts a client connection to `remote`; its first flight is ready for
    /// ``pollTransmit(into:now:)``. The endpoint's connection-ID length and stateless reset key
    /// override the configuration's.
    ///
    /// - Parameters:
    ///   - token: a NEW_TOKEN from an earlier connection to this server.
    ///   - offeringVersionFirst: offer this (unknown) version first (RFC 9000 §6): the client
    ///     sends a 1200-byte packet in that version and starts QUIC v1 once the server's Version
    ///     Negotiation lists v1 (after ``maxVersionProbes`` unanswered probes it starts v1 anyway).
    public mutating func connect(
        _ connectionConfiguration: ConnectionConfiguration, to remote: PathAddress, now: Instant, token: [UInt8] = [],
        offeringVersionFirst version: UInt32? = nil
    ) throws(EndpointError) -> ConnectionHandle {
        guard connectionCount < configuration.maxConnections else {
            throw .tooManyConnections(limit: configuration.maxConnections)
        }
        if let version, QUICVersion.isSupported(version) || version == QUICVersion.negotiation {
            throw .notAnUnknownVersion(version)
        }
        var config = connectionConfiguration
        config.localConnectionIDLength = configuration.localConnectionIDLength
        config.statelessResetKey = configuration.statelessResetKey
        let connection: Connection
        do { connection = try Connection(client: config, remote: remote, now: now, token: token) } catch {
            throw .connection(error)
        }
        let i = insert(connection, remote: remote, now: now)
        if let version {
            let probe = VersionProbe(
                version: version, destination: connection.originalDestinationConnectionID,
                source: connection.initialLocalConnectionID, remote: remote, attempts: 1,
                deadline: now + Self.versionProbeTimeout)
            slots[i].versionProbe = probe
            enqueue(.versionProbe(to: remote, version: version, destination: probe.destination, source: probe.source))
        }
        afterOperation(i, now: now)
        return handle(for: i)
    }

    /// A Version Negotiation packet for client connection `i` (RFC 9000 §6.2).
    mutating func handleVersionNegotiation(
        _ i: Int, header: PacketHeader, datagram: UnsafeRawBufferPointer, from remote: PathAddress, now: Instant
    ) {
        guard let probe = slots[i].versionProbe else {
            // Not probing: the connection applies RFC 9000 §6.2 itself (it discards a VN once it
            // has processed a server packet, or one listing its version).
            deliver(i, UnsafeMutableRawBufferPointer(mutating: datagram), from: remote, now: now)
            return
        }
        // RFC 9000 §17.2.1: the server echoes our connection IDs, swapped.
        guard header.sourceConnectionID == probe.destination, header.destinationConnectionID == probe.source else {
            stats.datagramsDropped += 1
            return
        }
        var offersV1 = false
        var offersProbe = false
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: datagram[header.tokenRange]))
        while let version = try? reader.readUInt32() {
            if version == QUICVersion.v1 { offersV1 = true }
            if version == probe.version { offersProbe = true }
        }
        // RFC 9000 §6.2: a Version Negotiation listing the version we offered is discarded.
        guard !offersProbe else {
            stats.datagramsDropped += 1
            return
        }
        stats.datagramsRouted += 1
        slots[i].versionProbe = nil
        slots[i].sawVersionNegotiation = true
        guard offersV1 else {
            // RFC 9000 §6.2: no version in common; the attempt ends (nothing was sent in v1).
            let handle = handle(for: i)
            events.append(.connection(handle, .closed(.versionMismatch)))
            remove(i)
            return
        }
        afterOperation(i, now: now)
    }

    /// No Version Negotiation yet: probe again, or give up and start QUIC v1.
    mutating func handleVersionProbeTimeout(_ i: Int, now: Instant) {
        guard var probe = slots[i].versionProbe else { return }
        if probe.attempts >= Self.maxVersionProbes {
            slots[i].versionProbe = nil
            return
        }
        probe.attempts += 1
        probe.deadline = now + Self.versionProbeTimeout
        slots[i].versionProbe = probe
        enqueue(.versionProbe(to: probe.remote, version: probe.version, destination: probe.destination, source: probe.source))
    }
}
