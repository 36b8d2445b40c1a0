/// The message cache (GossipSub v1.0 §Message Cache): messages of the last `mcacheLength`
/// heartbeats, served to IWANTs, and the IDs of the last `mcacheGossip` heartbeats, advertised
/// in IHAVEs. Bounded by `messageCacheSize` messages and `maxMessageCacheBytes` payload bytes;
/// beyond either, the oldest messages are evicted first.
struct MessageCache {
    struct Entry {
        var message: GossipMessage
        /// IWANT retransmissions per peer (v1.1 `GossipRetransmission`).
        var served: [GossipPeerID: UInt8] = [:]
    }

    private(set) var entries: [GossipMessageID: Entry] = [:]
    /// windows[0] is the current heartbeat.
    private var windows: [[GossipMessageID]] = Array(repeating: [], count: GossipLimits.mcacheLength)
    private(set) var bytes = 0
    let maxCount: Int
    let maxBytes: Int

    init(maxCount: Int = GossipLimits.messageCacheSize, maxBytes: Int = GossipLimits.maxMessageCacheBytes) {
        self.maxCount = maxCount; self.maxBytes = maxBytes
    }

    var count: Int { entries.count }

    /// Adds `message`; returns how many older messages were evicted for room.
    mutating func put(_ message: GossipMessage) -> Int {
        let id = message.id
        guard entries[id] == nil else { return 0 }
        var evicted = 0
        while entries.count >= maxCount || (bytes + message.data.count > maxBytes && !entries.isEmpty) {
            guard evictOldest() else { break }
            evicted += 1
        }
        entries[id] = Entry(message: message)
        bytes += message.data.count
        windows[0].append(id)
        return evicted
    }

    func get(_ id: GossipMessageID) -> GossipMessage? { entries[id]?.message }

    /// Counts one IWANT retransmission of `id` to `peer`; nil if the message is not cached,
    /// false if the peer already had `gossipRetransmission` copies.
    mutating func serve(_ id: GossipMessageID, to peer: GossipPeerID) -> GossipMessage?? {
        guard var e = entries[id] else { return nil }
        let n = e.served[peer, default: 0]
        guard Int(n) < GossipLimits.gossipRetransmission else { return .some(nil) }
        e.served[peer] = n + 1
        entries[id] = e
        return .some(e.message)
    }

    /// IDs in `topic` of the last `mcacheGossip` windows, newest first.
    func gossipIDs(topic: String) -> [GossipMessageID] {
        var out: [GossipMessageID] = []
        for w in windows.prefix(GossipLimits.mcacheGossip) {
            for id in w.reversed() where entries[id]?.message.topic == topic { out.append(id) }
        }
        return out
    }

    /// Starts a new heartbeat window, dropping the oldest.
    mutating func shift() {
        if let last = windows.popLast() {
            for id in last { if let e = entries.removeValue(forKey: id) { bytes -= e.message.data.count } }
        }
        windows.insert([], at: 0)
    }

    private mutating func evictOldest() -> Bool {
        for w in stride(from: windows.count - 1, through: 0, by: -1) where !windows[w].isEmpty {
            let id = windows[w].removeFirst()
            if let e = entries.removeValue(forKey: id) { bytes -= e.message.data.count }
            return true
        }
        return false
    }
}
