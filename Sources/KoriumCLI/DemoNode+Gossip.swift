import KoriumDHT
import KoriumGossip
import KoriumIO
import KoriumWire

/// GossipSub over QUIC: one long-lived unidirectional stream per peer direction carrying
/// length-prefixed `GossipRPC`s. Opening the stream is the "connection opened" event of the
/// router; the stream's end (or an unreadable frame) removes the peer.
extension DemoNode {
    /// Joins the demo topic.
    func subscribe() throws {
        try gossip.subscribe(DemoProtocol.topic, now: GossipInstant(nanoseconds: now), rng: &rng)
        flush()
    }

    /// Signs and publishes `data` in the demo topic.
    func publish(_ data: [UInt8]) throws -> GossipMessageID {
        let id = try gossip.publish(data, topic: DemoProtocol.topic, now: GossipInstant(nanoseconds: now), rng: &rng)
        flush()
        return id
    }

    /// Topic peers known (their subscriptions arrived) and mesh size.
    var topicView: (peers: Int, mesh: Int) {
        (gossip.peers(in: DemoProtocol.topic).count, gossip.meshPeers(DemoProtocol.topic).count)
    }

    /// How many of `ids` reached this node.
    func deliveredCount(of ids: [GossipMessageID]) -> Int { ids.reduce(0) { $0 + (delivered.contains($1) ? 1 : 0) } }

    /// Opens our gossip pipe to `peer` (dialling it if needed) and adds it to the router.
    func addGossipPeer(_ peer: Contact) async {
        do {
            let c = try await connection(to: peer)
            try await openGossipPipe(to: peer.publicKey.raw, on: c, outbound: true)
        } catch {
            counters.rpcFailures += 1
        }
    }

    /// Opens the outgoing pipe unless one exists, then tells the router the peer is connected.
    func openGossipPipe(to peer: GossipPeerID, on c: QUICConnection, outbound: Bool) async throws {
        guard gossipOut[peer] == nil else { return }
        let stream = try await c.openUnidirectionalStream()
        guard gossipOut[peer] == nil else {
            try? await stream.finish()
            return
        }
        let (frames, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingOldest(DemoProtocol.gossipQueueFrames))
        gossipOut[peer] = continuation
        tasks.append(Task {
            for await frame in frames {
                do { try await stream.write(frame) } catch { break }
            }
            try? await stream.finish()
        })
        gossip.addPeer(peer, outbound: outbound, address: Self.colocationKey(c), now: GossipInstant(nanoseconds: now))
        flush()
        await refreshRoundTrip(of: peer, on: c)
    }

    /// Gives the router QUIC's min RTT for `peer` (it widens the peer's P3 near-first window).
    func refreshRoundTrip(of peer: GossipPeerID, on c: QUICConnection) async {
        guard let stats = try? await c.stats(), stats.minimumRTT > .zero else { return }
        gossip.setMinimumRoundTrip(stats.minimumRTT.nanoseconds, for: peer)
    }

    /// Reads a peer's gossip pipe until it ends; answers with our own pipe if we have none.
    func readGossip(_ stream: QUICStream, from peer: NodeID, on c: QUICConnection) async {
        guard let key = c.peerPublicKey.flatMap({ Bytes32($0) }) else {
            try? await stream.stopSending(code: DemoProtocol.errorProtocol)
            return
        }
        if gossipOut[key] == nil { try? await openGossipPipe(to: key, on: c, outbound: false) }
        var decoder = DemoFrameDecoder(limit: GossipLimits.maxRPCSize)
        var roundTripRefreshed = now
        do {
            while let chunk = try await stream.read() {
                if now - roundTripRefreshed > DemoProtocol.roundTripRefreshNanos {
                    roundTripRefreshed = now
                    await refreshRoundTrip(of: key, on: c)
                }
                decoder.append(chunk)
                while let frame = try decoder.next() {
                    let rpc = try GossipRPC(wireBytes: frame)
                    gossip.handleRPC(rpc, from: key, now: GossipInstant(nanoseconds: now), rng: &rng)
                    flush()
                }
            }
        } catch {
            counters.protocolErrors += 1
            try? await stream.stopSending(code: DemoProtocol.errorProtocol)
        }
        gossipOut.removeValue(forKey: key)?.finish()
        gossip.removePeer(key, now: GossipInstant(nanoseconds: now))
    }

    /// Sends the router's queued RPCs into each peer's bounded pipe; records deliveries.
    func flushGossip() {
        while let (peer, rpc) = gossip.pollTransmit() {
            guard let out = gossipOut[peer], let bytes = try? rpc.wireBytes() else {
                counters.gossipQueueDrops += 1
                continue
            }
            if case .dropped = out.yield(DemoFrame.encode(bytes)) { counters.gossipQueueDrops += 1 }
        }
        while let event = gossip.pollEvent() {
            if case .message(let m, _) = event, m.topic == DemoProtocol.topic,
               delivered.count < DemoProtocol.maxTrackedDeliveries {
                delivered.insert(m.id)
            }
        }
    }

    /// The peer's IP as the router's colocation key (score P6).
    static func colocationKey(_ c: QUICConnection) -> UInt64 {
        switch c.remoteAddress.ip {
        case .v4(let a): return UInt64(a.rawValue)
        case .v6(let a): return a.high ^ a.low
        }
    }
}
