import KoriumWire

extension Endpoint {
    /// RFC 9000 §14.1: the smallest datagram that may carry a client's Initial.
    public static let minimumInitialDatagramSize = 1200
    /// RFC 9000 §7.2: a client's first Destination Connection ID is at least 8 bytes.
    public static let minimumClientInitialConnectionIDLength = 8

    /// Whether a new Initial without a valid token gets a Retry under the configured policy.
    var isRetryRequired: Bool {
        switch configuration.retryPolicy {
        case .never: return false
        case .always: return true
        case .whenPendingHandshakesExceed(let n): return pendingServerHandshakes > n
        }
    }

    /// A client Initial for no known connection: validate it, then Retry, refuse, or create a
    /// server connection and hand it the datagram.
    mutating func acceptInitial(header: PacketHeader, datagram: UnsafeMutableRawBufferPointer, from remote: PathAddress, now: Instant) {
        guard var config = configuration.server else {
            stats.datagramsDropped += 1
            return
        }
        // RFC 9000 §14.1: a server MUST discard an Initial in a datagram below 1200 bytes.
        guard datagram.count >= Self.minimumInitialDatagramSize else {
            stats.datagramsDropped += 1
            return
        }
        let token = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(datagram)[header.tokenRange])
        // RFC 9000 §7.2: a client's unpredictable first Destination Connection ID is at least
        // 8 bytes; after a Retry it is our own (configured length) and a token is present.
        guard header.destinationConnectionID.count >= Self.minimumClientInitialConnectionIDLength || !token.isEmpty else {
            stats.datagramsDropped += 1
            return
        }
        guard connectionCount < configuration.maxConnections else {
            stats.connectionsRefused += 1
            stats.datagramsDropped += 1
            return
        }

        var originalDestination = header.destinationConnectionID
        var retrySource: ConnectionID? = nil
        var validated = false
        if !token.isEmpty {
            if token[0] == AddressValidationTokenKey.Kind.retry.rawValue {
                guard let contents = tokens.validate(
                    token, kind: .retry, address: Self.retryTokenAddress(remote), now: now,
                    lifetime: configuration.retryTokenLifetime),
                    contents.retrySourceConnectionID == header.destinationConnectionID
                else {
                    // RFC 9000 §8.1.3: an invalid Retry token SHOULD close at once with
                    // INVALID_TOKEN; no state is created.
                    enqueue(.invalidToken(to: remote, clientDestination: header.destinationConnectionID,
                                          clientSource: header.sourceConnectionID))
                    stats.datagramsDropped += 1
                    return
                }
                originalDestination = contents.originalDestinationConnectionID
                retrySource = header.destinationConnectionID
                validated = true
            } else if tokens.validate(token, kind: .newToken, address: remote.addressBytes, now: now,
                                      lifetime: configuration.newTokenLifetime) != nil {
                validated = true
            }
            // RFC 9000 §8.1.3: any other token is ignored, as if the client had sent none.
        }

        if !validated && isRetryRequired {
            queueRetry(header: header, remote: remote, now: now)
            return
        }

        config.localConnectionIDLength = configuration.localConnectionIDLength
        config.statelessResetKey = configuration.statelessResetKey
        guard let localCID = unusedConnectionID() else {
            stats.datagramsDropped += 1
            return
        }
        let connection: Connection
        do {
            connection = try Connection(
                server: config, remote: remote, now: now, originalDestinationCID: originalDestination,
                initialDestinationCID: header.destinationConnectionID, localCID: localCID,
                retrySourceCID: retrySource, addressValidated: validated)
        } catch {
            stats.datagramsDropped += 1
            return
        }
        let i = insert(connection, remote: remote, now: now)
        let handle = handle(for: i)
        slots[i].initialKey = header.destinationConnectionID
        initialRoutes[header.destinationConnectionID] = handle
        slots[i].isPendingServerHandshake = true
        pendingServerHandshakes += 1
        stats.connectionsAccepted += 1
        events.append(.incoming(handle))
        deliver(i, datagram, from: remote, now: now)
    }

    /// RFC 9000 §8.1.2: a Retry with a fresh Source Connection ID and a token binding the
    /// client's address to its original Destination Connection ID.
    mutating func queueRetry(header: PacketHeader, remote: PathAddress, now: Instant) {
        guard let retrySource = unusedConnectionID() else {
            stats.statelessResponsesDropped += 1
            return
        }
        var nonce = [UInt8](repeating: 0, count: 12)
        nonce.withUnsafeMutableBytes { configuration.random($0) }
        let token: [UInt8]
        do {
            token = try tokens.issue(
                kind: .retry, address: Self.retryTokenAddress(remote), now: now,
                originalDestinationConnectionID: header.destinationConnectionID, retrySourceConnectionID: retrySource,
                nonce: nonce)
        } catch {
            stats.statelessResponsesDropped += 1
            return
        }
        enqueue(.retry(to: remote, clientSource: header.sourceConnectionID, retrySource: retrySource,
                       originalDestination: header.destinationConnectionID, token: token))
    }

    /// RFC 9000 §6.1, §5.2.2: a packet in a version we do not speak, large enough to start a
    /// connection, gets a Version Negotiation packet listing ours. A client-only endpoint, and
    /// a server given a smaller datagram, drop it instead (never a VN for a VN or a short header:
    /// those never reach here).
    mutating func queueVersionNegotiation(header: PacketHeader, datagram: UnsafeRawBufferPointer, remote: PathAddress) {
        guard configuration.server != nil, datagram.count >= Self.minimumInitialDatagramSize else {
            stats.datagramsDropped += 1
            return
        }
        enqueue(.versionNegotiation(
            to: remote, clientDestination: Array(datagram[header.destinationConnectionIDRange]),
            clientSource: Array(datagram[header.sourceConnectionIDRange])))
    }

    /// RFC 9000 §10.3: a short-header packet for a connection ID we do not know gets a
    /// Stateless Reset carrying the token derived from that ID — smaller than the trigger
    /// (§10.3.3, so two endpoints cannot loop), at most
    /// ``EndpointConfiguration/maxStatelessResetsPerSecond`` per second.
    mutating func queueStatelessReset(destinationID: ConnectionID, remote: PathAddress, triggerSize: Int, now: Instant) {
        guard configuration.localConnectionIDLength > 0,
              let size = StatelessReset.responseSize(triggerSize: triggerSize)
        else { return }
        if let start = resetWindowStart, now - start < .seconds(1) {
            guard resetsInWindow < configuration.maxStatelessResetsPerSecond else {
                stats.statelessResponsesDropped += 1
                return
            }
        } else {
            resetWindowStart = now
            resetsInWindow = 0
        }
        resetsInWindow += 1
        enqueue(.statelessReset(
            to: remote, token: StatelessReset.token(for: destinationID, staticKey: configuration.statelessResetKey), size: size))
    }
}
