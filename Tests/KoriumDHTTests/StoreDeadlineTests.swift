import Testing
@testable import KoriumDHT

@Suite struct StoreDeadlineTests {
    /// A STORE lookup whose search is still waiting on silent peers at LOOKUP_TOTAL_TIMEOUT
    /// stores at the closest node that did answer, instead of dropping the record (which lost
    /// ~5 % of publications against 20 % query-dropping Sybils), and the STORE round still
    /// gets its answers after the search deadline.
    @Test func searchOutOfTimeStillStoresAtTheClosestResponders() {
        var rng = TestRNG(7)
        var a = DHTNode(identity: makeIdentity(900), address: address(900), config: testConfig())
        let b = makeIdentity(901).contact(address: address(901))
        let silent = (0..<60).map { makeIdentity(1_000 + UInt64($0)).contact(address: address(1_000 + $0)) }
        var now = t0
        var storesToB = 0
        var storeAnsweredAt: DHTInstant?
        /// B answers FIND_NODE with the silent contacts and accepts STOREs; nobody else answers.
        func pump() {
            while let tx = a.pollTransmit() {
                guard tx.destination.nodeID == b.nodeID else { continue }
                let reply: DHTMessageBody
                switch tx.message.body {
                case .findNode, .findValue: reply = .nodes(silent)
                case .store: storesToB += 1; reply = .storeResult(nil)
                default: continue
                }
                a.handle(DHTMessage(requestID: tx.message.requestID, sender: b, body: reply), from: b.address,
                         now: now, rng: &rng)
            }
        }
        a.start(bootstrap: [b], now: now, rng: &rng)
        pump()
        var result: LookupResult?
        let record = DHTRecord.content(ContentRecord(value: Array("deadline".utf8)))
        let id = a.put(record, now: now, rng: &rng)
        pump()
        while now < t0 + .seconds(20), result == nil {
            now = now + .milliseconds(100)
            if let t = a.pollTimeout(), t <= now { a.handleTimeout(now: now, rng: &rng) }
            pump()
            while let e = a.pollEvent() {
                if case .lookupFinished(let r) = e, r.id == id { result = r; storeAnsweredAt = now }
            }
        }
        #expect(storesToB == 1)
        #expect(result?.storedCount == 1 && result?.succeeded == true)
        // The search ran into its deadline (the silent peers outlast it), then stored.
        if let r = result, let at = storeAnsweredAt {
            #expect(at - r.startedAt >= DHTLimits.lookupTotalTimeout)
            #expect(r.timeouts > 0)
        }
    }
}
