import Testing
@testable import KoriumDHT

@Suite struct RecordTests {
    let publisher = makeIdentity(20)

    @Test func endpointRecordsNewestWinsAndMaxAge() {
        let old = DHTRecord.endpoint(EndpointRecord(signing: [address(1)], at: t0, with: publisher))
        let new = DHTRecord.endpoint(EndpointRecord(signing: [address(2)], at: t0 + .seconds(10), with: publisher))
        #expect(old.key == publisher.nodeID)
        #expect(throws: Never.self) { try new.validate(now: t0 + .seconds(10)) }
        #expect(new.supersedes(old) && !old.supersedes(new))
        var store = LocalStore()
        let peer = makeIdentity(21).nodeID
        #expect(store.store(new, ttl: .seconds(60), from: peer, now: t0 + .seconds(10), republishAt: t0) == nil)
        #expect(store.store(old, ttl: .seconds(60), from: peer, now: t0 + .seconds(11), republishAt: t0) == .staleVersion)
        // Older than 24 h, or more than 5 s in the future: refused.
        #expect(throws: RecordError.expired) { try old.validate(now: t0 + .seconds(24 * 3600 + 1)) }
        #expect(throws: RecordError.fromTheFuture) { try new.validate(now: t0) }
        #expect(store.store(old, ttl: .seconds(60), from: peer, now: t0 + .seconds(86_401), republishAt: t0) == .expiredRecord)
    }

    @Test func signaturesAreChecked() {
        guard case .mutable(var m) = DHTRecord.mutable(MutableRecord(signing: [1], name: [2], sequence: 1, with: publisher)) else { return }
        #expect(throws: Never.self) { try DHTRecord.mutable(m).validate(now: t0) }
        m.value = [9]
        #expect(throws: RecordError.invalidSignature) { try DHTRecord.mutable(m).validate(now: t0) }
        var e = EndpointRecord(signing: [address(3)], at: t0, with: publisher)
        e.addresses = [address(4)]
        #expect(throws: RecordError.invalidSignature) { try DHTRecord.endpoint(e).validate(now: t0) }
        var store = LocalStore()
        #expect(store.store(.endpoint(e), ttl: .seconds(5), from: publisher.nodeID, now: t0, republishAt: t0) == .invalidSignature)
    }

    @Test func mutableRecordsAdvanceBySequenceOnly() {
        var store = LocalStore()
        let peer = makeIdentity(22).nodeID
        let v1 = DHTRecord.mutable(MutableRecord(signing: [1], name: [7], sequence: 1, with: publisher))
        let v2 = DHTRecord.mutable(MutableRecord(signing: [2], name: [7], sequence: 2, with: publisher))
        #expect(v1.key == v2.key)
        #expect(store.store(v2, ttl: .seconds(60), from: peer, now: t0, republishAt: t0) == nil)
        #expect(store.store(v1, ttl: .seconds(60), from: peer, now: t0, republishAt: t0) == .staleVersion)
        #expect(store.get(v1.key, now: t0) == v2)
        #expect(store.usage(of: peer).entries == 1)
    }

    @Test func contentKeyIsTheHashOfTheValue() {
        let r = ContentRecord(value: Array("hello".utf8))
        #expect(r.key.raw == DHTHash.blake2b256(Array("hello".utf8)))
    }
}

@Suite struct StorageProtectionTests {
    let honest = makeIdentity(30).nodeID
    let flooder = makeIdentity(31).nodeID

    func content(_ i: Int, size: Int = 100) -> DHTRecord {
        .content(ContentRecord(value: (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ i &* 31) } + [UInt8(i & 0xff), UInt8(i >> 8)]))
    }

    @Test func typedRejectionsForSizeTTLAndQuotas() {
        var limits = StorageLimits()
        limits.maxValueSize = 1000
        var store = LocalStore(limits: limits)
        #expect(store.store(content(1, size: 2000), ttl: .seconds(1), from: honest, now: t0, republishAt: t0) == .valueTooLarge)
        #expect(store.store(content(1), ttl: .zero, from: honest, now: t0, republishAt: t0) == .ttlOutOfRange)
        #expect(store.store(content(1), ttl: .seconds(86_401), from: honest, now: t0, republishAt: t0) == .ttlOutOfRange)
    }

    @Test func floodingPeerIsStoppedByQuotasWithoutEvictingHonestValues() {
        var store = LocalStore()
        var now = t0
        for i in 0..<20 {
            #expect(store.store(content(i), ttl: .seconds(3600), from: honest, now: now, republishAt: now) == nil)
        }
        // The flooder sends 500 stores of 8 KiB, spread so the rate limit is not the only stop.
        var rejections: [StoreRejection: Int] = [:]
        var accepted = 0
        for i in 0..<500 {
            now = now + .seconds(1)
            if let r = store.store(content(1000 + i, size: 8192), ttl: .seconds(3600), from: flooder, now: now, republishAt: now) {
                rejections[r, default: 0] += 1
            } else {
                accepted += 1
            }
        }
        #expect(accepted <= DHTLimits.perPeerEntryLimit)
        #expect(store.usage(of: flooder).bytes <= DHTLimits.perPeerStorageQuota)
        #expect(store.usage(of: flooder).entries <= DHTLimits.perPeerEntryLimit)
        #expect((rejections[.peerByteQuotaExceeded] ?? 0) + (rejections[.peerEntryQuotaExceeded] ?? 0) > 300)
        #expect(store.evictions == 0)
        for i in 0..<20 { #expect(store.get(content(i).key, now: now) != nil, "honest value \(i)") }
    }

    @Test func perPeerRateLimitCountsSignedStoresFourTimes() {
        var store = LocalStore()
        let id = makeIdentity(32)
        var rejected = 0
        for i in 0..<30 {
            let r = DHTRecord.mutable(MutableRecord(signing: [1], name: [UInt8(i)], sequence: 1, with: id))
            if store.store(r, ttl: .seconds(60), from: flooder, now: t0, republishAt: t0) == .rateLimited { rejected += 1 }
        }
        #expect(rejected == 30 - DHTLimits.perPeerRateLimit)
        var contentAccepted = 0
        for i in 0..<200 where store.store(content(i, size: 10), ttl: .seconds(60), from: honest, now: t0, republishAt: t0) == nil {
            contentAccepted += 1
        }
        #expect(contentAccepted == min(DHTLimits.perPeerEntryLimit, DHTLimits.perPeerRateLimit * DHTLimits.contentAddressedRateDivisor))
        // A new window admits the peer again.
        let later = t0 + DHTLimits.perPeerRateWindow
        let r = DHTRecord.mutable(MutableRecord(signing: [1], name: [99], sequence: 1, with: id))
        #expect(store.store(r, ttl: .seconds(60), from: flooder, now: later, republishAt: later) == nil)
    }

    @Test func memoryPressureEvictsLeastRecentlyUsedAboveThreshold() {
        var limits = StorageLimits()
        limits.memorySoftLimit = 100_000
        limits.perPeerBytes = 1 << 30
        limits.perPeerEntries = 10_000
        limits.perPeerRate = 10_000
        limits.requestLimit = 100_000
        var store = LocalStore(limits: limits)
        for i in 0..<100 {
            let p = makeIdentity(UInt64(40 + i % 5), difficulty: 0).nodeID
            #expect(store.store(content(i, size: 1000), ttl: .seconds(60), from: p, now: t0, republishAt: t0) == nil)
            #expect(store.pressure(now: t0 + .seconds(120)) <= DHTLimits.pressureThreshold)
        }
        #expect(store.evictions > 0)
        #expect(store.get(content(99, size: 1000).key, now: t0) != nil)
        #expect(store.get(content(0, size: 1000).key, now: t0) == nil)
    }

    @Test func entryCapEvictsLRU() {
        var limits = StorageLimits()
        limits.maxEntries = 10
        var store = LocalStore(limits: limits)
        for i in 0..<15 { _ = store.store(content(i), ttl: .seconds(60), from: honest, now: t0, republishAt: t0) }
        #expect(store.count == 10)
        #expect(store.usage(of: honest).entries == 10)
    }

    @Test func expiryRemovesValues() {
        var store = LocalStore()
        _ = store.store(content(1), ttl: .seconds(10), from: honest, now: t0, republishAt: t0)
        #expect(store.expire(now: t0 + .seconds(9)) == 0)
        #expect(store.expire(now: t0 + .seconds(10)) == 1)
        #expect(store.usage(of: honest).entries == 0 && store.totalBytes == 0)
    }
}
