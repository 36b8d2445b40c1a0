import KoriumCrypto
import KoriumTLS
import KoriumWire
import Testing

@testable import KoriumQUIC

/// The endpoint's stateless answers and routing, decoded with the packet codecs: Version
/// Negotiation (RFC 9000 §6), Retry (§8.1.2), Stateless Reset (§10.3), caps.
@Suite struct EndpointStatelessTests {
    typealias F = EndpointFixtures

    @Test func unknownVersionGetsVersionNegotiationEchoingTheConnectionIDs() throws {
        var (_, server, _) = F.endpoints()
        let dcid: [UInt8] = Array(0..<21)  // 21 bytes: legal in other versions (RFC 8999 §5.1)
        let scid: [UInt8] = [9, 8, 7]
        F.feed(&server, F.unknownVersionPacket(version: 0x1a2a_3a4a, destination: dcid, source: scid), from: F.clientAddress)
        let out = F.drain(&server)
        #expect(out.count == 1)
        let (to, bytes) = try #require(out.first)
        #expect(to == F.clientAddress)
        let header = try F.header(bytes)
        #expect(header.type == .versionNegotiation)
        // RFC 9000 §17.2.1: the client's SCID becomes the DCID and vice versa.
        #expect(Array(bytes[header.destinationConnectionIDRange]) == scid)
        #expect(Array(bytes[header.sourceConnectionIDRange]) == dcid)
        #expect(Array(bytes[header.tokenRange]) == [0, 0, 0, 1])
        #expect(server.stats.versionNegotiationsSent == 1)
        #expect(server.connectionCount == 0)
    }

    @Test func versionNegotiationIsNotSentForSmallDatagramsOrToVersionNegotiationOrByClients() throws {
        var (client, server, _) = F.endpoints()
        // RFC 9000 §5.2.2: only datagrams large enough to start a connection.
        F.feed(&server, F.unknownVersionPacket(version: 0x1a2a_3a4a, destination: [1, 2, 3, 4, 5, 6, 7, 8], source: [], size: 1199),
               from: F.clientAddress)
        // RFC 9000 §6.1: never answer a Version Negotiation packet.
        var vn = F.unknownVersionPacket(version: 0, destination: [1, 2, 3, 4, 5, 6, 7, 8], source: [1], size: 0)
        vn += [0, 0, 0, 1]
        F.feed(&server, vn, from: F.clientAddress)
        // A client-only endpoint never sends Version Negotiation.
        F.feed(&client, F.unknownVersionPacket(version: 0x1a2a_3a4a, destination: [1, 2, 3, 4, 5, 6, 7, 8], source: []),
               from: F.serverAddress)
        #expect(F.drain(&server).isEmpty)
        #expect(F.drain(&client).isEmpty)
        #expect(server.stats.versionNegotiationsSent == 0)
    }

    @Test func unknownShortHeaderConnectionIDGetsASmallerStatelessResetWithTheDerivedToken() throws {
        var (_, server, _) = F.endpoints()
        let dcid: [UInt8] = [0xaa, 1, 2, 3, 4, 5, 6, 7]
        var packet: [UInt8] = [0x41] + dcid
        packet += [UInt8](repeating: 0x33, count: 100 - packet.count)
        F.feed(&server, packet, from: F.clientAddress)
        let out = F.drain(&server)
        let (to, reset) = try #require(out.first)
        #expect(out.count == 1 && to == F.clientAddress)
        // RFC 9000 §10.3.3: smaller than the trigger; §10.3: short-header form.
        #expect(reset.count < packet.count && reset.count >= StatelessReset.minimumSize)
        #expect(reset[0] & 0xc0 == 0x40)
        let token = StatelessReset.token(for: F.cid(dcid), staticKey: server.configuration.statelessResetKey)
        #expect(reset.withUnsafeBytes { StatelessReset.matches(datagram: $0, token: token) })
        // A 30-byte trigger gets 29 bytes; a 21-byte one gets nothing (a reset is ≥ 21 bytes).
        F.feed(&server, Array(packet[0..<30]), from: F.clientAddress)
        #expect(F.drain(&server).map(\.1.count) == [29])
        F.feed(&server, Array(packet[0..<21]), from: F.clientAddress)
        #expect(F.drain(&server).isEmpty)
        // A short header too short for a connection ID is dropped without an answer.
        F.feed(&server, [0x41, 1, 2], from: F.clientAddress)
        #expect(F.drain(&server).isEmpty)
    }

    @Test func statelessResetsAreRateLimitedPerSecond() throws {
        var (_, server, _) = F.endpoints { $0.maxStatelessResetsPerSecond = 3 }
        let packet: [UInt8] = [0x41] + [UInt8](repeating: 0xbb, count: 60)
        for _ in 0..<5 { F.feed(&server, packet, from: F.clientAddress) }
        #expect(F.drain(&server).count == 3)
        F.feed(&server, packet, from: F.clientAddress, now: F.start + .milliseconds(999))
        #expect(F.drain(&server).isEmpty)
        F.feed(&server, packet, from: F.clientAddress, now: F.start + .seconds(1))
        #expect(F.drain(&server).count == 1)
    }

    @Test func pendingStatelessResponsesAreCapped() throws {
        var (_, server, _) = F.endpoints { $0.maxPendingStatelessResponses = 2 }
        for i in 0..<5 {
            F.feed(&server, F.unknownVersionPacket(version: 0x1a2a_3a4a, destination: [UInt8](repeating: UInt8(i), count: 8), source: []),
                   from: F.clientAddress)
        }
        #expect(F.drain(&server).count == 2)
        #expect(server.stats.statelessResponsesDropped == 3)
    }

    @Test func retryPolicyAlwaysAnswersAnInitialWithAValidRetryAndNoState() throws {
        var (_, server, _) = F.endpoints { $0.retryPolicy = .always }
        let odcid = F.cid([1, 2, 3, 4, 5, 6, 7, 8, 9])
        let scid = F.cid([0xc, 0xc])
        F.feed(&server, try F.craftedInitial(destination: odcid, source: scid), from: F.clientAddress)
        #expect(server.connectionCount == 0)
        let out = F.drain(&server)
        let (_, retry) = try #require(out.first)
        let header = try F.header(retry)
        #expect(header.type == .retry)
        #expect(header.destinationConnectionID == scid)
        #expect(header.sourceConnectionID.count == 8 && header.sourceConnectionID != odcid)
        // RFC 9001 §5.8: the integrity tag is computed over the client's original DCID.
        #expect(retry.withUnsafeBytes { RetryIntegrity.isValid(retryPacket: $0, originalDestinationConnectionID: odcid) })
        // The token validates for that address and carries both connection IDs.
        let token = Array(retry[header.tokenRange])
        let key = try AddressValidationTokenKey(key: server.configuration.tokenKey)
        let contents = try #require(token.withUnsafeBytes {
            key.validate($0, kind: .retry, address: Endpoint.retryTokenAddress(F.clientAddress), now: F.start, lifetime: .seconds(10))
        })
        #expect(contents.originalDestinationConnectionID == odcid)
        #expect(contents.retrySourceConnectionID == header.sourceConnectionID)

        // The client's next Initial to the Retry's SCID with the token creates the connection.
        F.feed(&server, try F.craftedInitial(destination: header.sourceConnectionID, source: scid, token: token), from: F.clientAddress)
        #expect(server.connectionCount == 1)
        let handle = try #require(server.handles.first)
        #expect(F.events(&server).first == .incoming(handle))
        let (retrySource, original, validated) = try #require(server.inspect(handle) {
            ($0.retrySourceConnectionID, $0.originalDestinationConnectionID, $0.isAddressValidated)
        })
        #expect(retrySource == header.sourceConnectionID)
        #expect(original == odcid)
        #expect(validated)
    }

    @Test func retryWhenPendingHandshakesExceedTheThreshold() throws {
        var (_, server, _) = F.endpoints { $0.retryPolicy = .whenPendingHandshakesExceed(1) }
        for i in 0..<3 {
            F.feed(&server, try F.craftedInitial(destination: F.cid([UInt8](repeating: UInt8(i + 1), count: 8)), source: F.cid([1])),
                   from: F.clientAddress)
        }
        // Two handshakes fit (the second makes 2 > 1), the third gets a Retry.
        #expect(server.connectionCount == 2)
        let retries = try F.drain(&server).filter { try F.header($0.1).type == .retry }
        #expect(retries.count == 1)
        #expect(server.stats.retriesSent == 1)
    }

    @Test func forgedRetryTokenIsAnsweredWithInitialConnectionCloseInvalidToken() throws {
        var (_, server, _) = F.endpoints { $0.retryPolicy = .always }
        let dcid = F.cid([5, 5, 5, 5, 5, 5, 5, 5])
        let scid = F.cid([7, 7])
        var forged = [UInt8](repeating: 0x42, count: 60)
        forged[0] = AddressValidationTokenKey.Kind.retry.rawValue
        F.feed(&server, try F.craftedInitial(destination: dcid, source: scid, token: forged), from: F.clientAddress)
        #expect(server.connectionCount == 0)
        var (_, close) = try #require(F.drain(&server).first)
        let header = try F.header(close)
        #expect(header.type == .initial && header.destinationConnectionID == scid)
        let keys = try PacketKeys.initial(destinationConnectionID: dcid).server
        let frames: [String] = try close.withUnsafeMutableBytes { raw in
            let packet = UnsafeMutableRawBufferPointer(rebasing: raw[header.packetRange])
            let opened = try PacketProtection.open(packet, packetNumberOffset: header.packetNumberOffset, largestReceived: nil, keys: keys)
            var reader = FrameReader(payload: UnsafeRawBufferPointer(rebasing: packet[opened.payload]), packetType: .initial)
            var names: [String] = []
            while let frame = try reader.next() {
                if case .connectionClose(let c) = frame { names.append("close:\(c.errorCode):\(c.isApplicationError)") }
            }
            return names
        }
        #expect(frames == ["close:11:false"])
        #expect(server.stats.invalidTokenClosesSent == 1)
    }

    @Test func initialsBelow1200BytesOrWithShortConnectionIDsAreDropped() throws {
        var (_, server, _) = F.endpoints()
        F.feed(&server, try F.craftedInitial(destination: F.cid([1, 2, 3, 4, 5, 6, 7, 8]), source: F.cid([1]), size: 1199),
               from: F.clientAddress)
        F.feed(&server, try F.craftedInitial(destination: F.cid([1, 2, 3, 4, 5, 6, 7]), source: F.cid([1])), from: F.clientAddress)
        #expect(server.connectionCount == 0)
        #expect(F.drain(&server).isEmpty)
        #expect(server.stats.datagramsDropped == 2)
    }

    @Test func aBrokenRandomSourceDropsInitialsInsteadOfLooping() throws {
        // Regression (FuzzEndpoint): a random source repeating itself made the search for an
        // unused connection ID loop forever once the first connection held that ID.
        var (_, server, _) = F.endpoints { $0.random = { buffer in for i in buffer.indices { buffer[i] = 0x11 } } }
        F.feed(&server, try F.craftedInitial(destination: F.cid([1, 1, 1, 1, 1, 1, 1, 1]), source: F.cid([1])), from: F.clientAddress)
        F.feed(&server, try F.craftedInitial(destination: F.cid([2, 2, 2, 2, 2, 2, 2, 2]), source: F.cid([2])), from: F.clientAddress)
        #expect(server.connectionCount == 1)
        #expect(server.stats.datagramsDropped == 1)
    }

    @Test func connectionCapRefusesFurtherInitialsWithoutState() throws {
        var (_, server, _) = F.endpoints { $0.maxConnections = 1 }
        F.feed(&server, try F.craftedInitial(destination: F.cid([1, 1, 1, 1, 1, 1, 1, 1]), source: F.cid([1])), from: F.clientAddress)
        F.feed(&server, try F.craftedInitial(destination: F.cid([2, 2, 2, 2, 2, 2, 2, 2]), source: F.cid([2])), from: F.clientAddress)
        #expect(server.connectionCount == 1)
        #expect(server.stats.connectionsRefused == 1)
    }

    @Test func repeatedInitialsWithTheSameConnectionIDRouteToOneConnection() throws {
        var (_, server, _) = F.endpoints()
        let dcid = F.cid([3, 3, 3, 3, 3, 3, 3, 3])
        for _ in 0..<3 { F.feed(&server, try F.craftedInitial(destination: dcid, source: F.cid([1])), from: F.clientAddress) }
        #expect(server.connectionCount == 1)
        #expect(server.stats.connectionsAccepted == 1)
        #expect(server.stats.datagramsRouted == 3)
        // The connection's own CID routes short headers to it: no stateless reset.
        let handle = try #require(server.handles.first)
        let local = try #require(server.inspect(handle) { $0.initialLocalConnectionID })
        var short: [UInt8] = [0x40]
        local.withUnsafeBytes { short += $0 }
        short += [UInt8](repeating: 0, count: 40)
        F.feed(&server, short, from: F.clientAddress)
        #expect(server.stats.statelessResetsSent == 0)
        #expect(server.stats.datagramsRouted == 4)
    }

    @Test func clientOfferingAnUnknownVersionFirstStartsV1AfterVersionNegotiation() throws {
        var (client, server, clientConnection) = F.endpoints()
        let handle = try client.connect(clientConnection, to: F.serverAddress, now: F.start, offeringVersionFirst: 0x1a2a_3a4a)
        let probe = F.drain(&client)
        #expect(probe.count == 1)
        let probeHeader = try F.header(probe[0].1)
        #expect(probeHeader.type == .unsupportedVersion && probeHeader.version == 0x1a2a_3a4a)
        #expect(probe[0].1.count == 1200)
        F.feed(&server, probe[0].1, from: F.clientAddress)
        let vn = F.drain(&server)
        #expect(vn.count == 1)
        F.feed(&client, vn[0].1, from: F.serverAddress)
        #expect(client.sawVersionNegotiation(handle))
        let initial = F.drain(&client)
        #expect(try initial.map { try F.header($0.1).type }.first == .initial)
        #expect(try F.header(initial[0].1).version == QUICVersion.v1)
    }

    @Test func versionNegotiationListingTheOfferedVersionIsIgnoredAndProbesEndAfterThree() throws {
        var (client, _, clientConnection) = F.endpoints()
        let handle = try client.connect(clientConnection, to: F.serverAddress, now: F.start, offeringVersionFirst: 0x1a2a_3a4a)
        let probe = try F.header(F.drain(&client)[0].1)
        // RFC 9000 §6.2: a VN that lists the version we offered is discarded.
        var vn = F.unknownVersionPacket(version: 0, destination: probe.sourceConnectionID.bytes, source: probe.destinationConnectionID.bytes, size: 0)
        vn += [0x1a, 0x2a, 0x3a, 0x4a, 0, 0, 0, 1]
        F.feed(&client, vn, from: F.serverAddress)
        #expect(!client.sawVersionNegotiation(handle))
        #expect(F.drain(&client).isEmpty)
        // Unanswered: probes at 1 s and 2 s, then QUIC v1 directly.
        var now = F.start
        var probes = 0
        var initials = 0
        for _ in 0..<4 {
            now = try #require(client.nextDeadline)
            client.handleTimeout(now: now)
            for (_, bytes) in F.drain(&client, now: now) {
                let h = try F.header(bytes)
                if h.type == .unsupportedVersion { probes += 1 }
                if h.type == .initial { initials += 1 }
            }
            if initials > 0 { break }
        }
        #expect(probes == 2)
        #expect(initials >= 1)
        #expect(!client.sawVersionNegotiation(handle))
    }

    @Test func versionNegotiationWithoutV1EndsTheConnectionWithVersionMismatch() throws {
        var (client, _, clientConnection) = F.endpoints()
        let handle = try client.connect(clientConnection, to: F.serverAddress, now: F.start, offeringVersionFirst: 0x1a2a_3a4a)
        let probe = try F.header(F.drain(&client)[0].1)
        var vn = F.unknownVersionPacket(version: 0, destination: probe.sourceConnectionID.bytes, source: probe.destinationConnectionID.bytes, size: 0)
        vn += [0xff, 0, 0, 0x1d]
        F.feed(&client, vn, from: F.serverAddress)
        #expect(F.events(&client) == [.connection(handle, .closed(.versionMismatch))])
        #expect(!client.contains(handle))
        #expect(client.connectionCount == 0)
    }

    @Test func knownVersionsCannotBeOfferedAsUnknown() throws {
        var (client, _, clientConnection) = F.endpoints()
        #expect(throws: EndpointError.notAnUnknownVersion(1)) {
            try client.connect(clientConnection, to: F.serverAddress, now: F.start, offeringVersionFirst: 1)
        }
    }

    @Test func nextDeadlineIsTheEarliestOverConnectionsAndStaleHandlesMatchNothing() throws {
        var (_, server, _) = F.endpoints()
        for i in 0..<5 {
            F.feed(&server, try F.craftedInitial(destination: F.cid([UInt8](repeating: UInt8(i + 1), count: 8)), source: F.cid([1])),
                   from: F.clientAddress, now: F.start + .milliseconds(Int64(i)))
        }
        _ = F.drain(&server)
        let expected = server.handles.compactMap { h in server.inspect(h) { $0.nextDeadline } ?? nil }.min()
        #expect(server.nextDeadline == expected)
        // Run every timer far into the future: idle timeouts close and drop all connections.
        var now = F.start
        for _ in 0..<100 {
            guard let d = server.nextDeadline else { break }
            now = d
            server.handleTimeout(now: now)
            _ = F.drain(&server, now: now)
        }
        #expect(server.connectionCount == 0)
        #expect(server.nextDeadline == nil)
        let closed = F.events(&server).filter { if case .connection(_, .closed) = $0 { return true } else { return false } }
        #expect(closed.count == 5)
    }
}
