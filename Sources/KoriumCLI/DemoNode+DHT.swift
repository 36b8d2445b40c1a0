import KoriumDHT
import KoriumIO
import KoriumWire

/// The DHT over QUIC: each RPC is one bidirectional stream (request, FIN, response, FIN) in the
/// DHT's own codec. The sender named in every message must be the TLS-authenticated peer.
extension DemoNode {
    /// Joins through `bootstrap` (Kademlia self-lookup); returns the lookup to wait for.
    func startDHT(bootstrap: [Contact]) -> LookupID? {
        let id = dht.start(bootstrap: bootstrap, now: DHTInstant(nanoseconds: now), rng: &rng)
        return track(id)
    }

    /// Starts a FIND_NODE for our own ID (refreshes the neighbourhood once all have joined).
    func refreshSelf() -> LookupID? { track(dht.findNode(identity.nodeID, now: DHTInstant(nanoseconds: now))) }

    /// Publishes `value` as a content-addressed record; returns its key and the STORE lookup.
    func put(_ value: [UInt8]) -> (NodeID, LookupID?) {
        let record = DHTRecord.content(ContentRecord(value: value))
        let id = dht.put(record, now: DHTInstant(nanoseconds: now), rng: &rng)
        return (record.key, track(id))
    }

    /// Starts a FIND_VALUE for `key`; counted in this node's lookups.
    func findValue(_ key: NodeID) -> LookupID? {
        counters.lookupsTotal += 1
        return track(dht.findValue(key, now: DHTInstant(nanoseconds: now)))
    }

    /// The result of a tracked lookup once it finished.
    func result(of id: LookupID) -> LookupResult? { finished[id] }

    /// Records a FIND_VALUE outcome that the demo checked (the record's bytes matched).
    func countLookup(ok: Bool) { if ok { counters.lookupsOK += 1 } }

    /// Contacts in the routing table.
    var routingContacts: [Contact] { dht.routing.allContacts }

    private func track(_ id: LookupID?) -> LookupID? {
        if let id { tracked.insert(id) }
        flush()  // the lookup's first queries, or its result when answered locally
        return id
    }

    /// Sends the DHT's queued messages: requests on new streams, responses on the stream their
    /// request came in on; collects finished lookups.
    func flushDHT() {
        while let tx = dht.pollTransmit() {
            if tx.message.isResponse {
                let key = ResponseKey(peer: tx.destination.nodeID, requestID: tx.message.requestID)
                guard let stream = pendingResponses.removeValue(forKey: key) else { continue }
                guard let bytes = try? tx.message.wireBytes() else {
                    counters.protocolErrors += 1
                    continue
                }
                Task { try? await stream.write(bytes, finish: true) }
            } else {
                Task { await self.sendRequest(tx) }
            }
        }
        while let event = dht.pollEvent() {
            if case .lookupFinished(let r) = event, tracked.remove(r.id) != nil { finished[r.id] = r }
        }
    }

    /// One outgoing RPC. A failure is left to the core's own request timeout.
    func sendRequest(_ tx: DHTTransmit) async {
        do {
            let c = try await connection(to: tx.destination)
            let stream = try await c.openBidirectionalStream()
            try await stream.write(try tx.message.wireBytes(), finish: true)
            let reply = try DHTMessage.parse(try await stream.readToEnd(limit: DHTLimits.maxMessageSize))
            guard reply.isResponse, reply.requestID == tx.message.requestID, reply.sender.nodeID == tx.destination.nodeID else {
                counters.protocolErrors += 1
                return
            }
            dht.handle(reply, from: Self.observed(c), now: DHTInstant(nanoseconds: now), rng: &rng)
            flush()
        } catch {
            counters.rpcFailures += 1
        }
    }

    /// One incoming RPC: the request must come from the peer the TLS handshake authenticated.
    func serveRequest(_ stream: QUICStream, from peer: NodeID, on c: QUICConnection) async {
        let request: DHTMessage
        do {
            request = try DHTMessage.parse(try await stream.readToEnd(limit: DHTLimits.maxMessageSize))
        } catch {
            counters.protocolErrors += 1
            try? await stream.reset(code: DemoProtocol.errorProtocol)
            return
        }
        guard !request.isResponse, request.sender.nodeID == peer else {
            counters.protocolErrors += 1
            try? await stream.reset(code: DemoProtocol.errorProtocol)
            return
        }
        let key = ResponseKey(peer: peer, requestID: request.requestID)
        guard pendingResponses.count < DemoProtocol.maxPendingResponses, pendingResponses[key] == nil else {
            try? await stream.reset(code: DemoProtocol.errorBusy)
            return
        }
        pendingResponses[key] = stream
        dht.handle(request, from: Self.observed(c), now: DHTInstant(nanoseconds: now), rng: &rng)
        flush()
        // The core answers at once or not at all (rate limits): do not hold the stream.
        if let unanswered = pendingResponses.removeValue(forKey: key) {
            try? await unanswered.reset(code: DemoProtocol.errorBusy)
        }
    }
}
