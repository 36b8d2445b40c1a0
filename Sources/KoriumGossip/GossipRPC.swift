import KoriumWire

/// One RPC between two routers (pubsub §The RPC, GossipSub v1.0/v1.1/v1.2 control messages),
/// in the project's codec instead of protobuf. Every list has a cap (``GossipLimits``).
public struct GossipRPC: Sendable, Equatable {
    /// Subscription changes.
    public var subscriptions: [GossipSubscription] = []
    /// Published messages.
    public var messages: [GossipMessage] = []
    /// Control messages.
    public var control = GossipControl()

    /// An RPC with the given parts.
    public init(subscriptions: [GossipSubscription] = [], messages: [GossipMessage] = [],
                control: GossipControl = GossipControl()) {
        self.subscriptions = subscriptions; self.messages = messages; self.control = control
    }

    /// Whether it carries nothing.
    public var isEmpty: Bool { subscriptions.isEmpty && messages.isEmpty && control.isEmpty }

    /// Encoded size, computed without encoding.
    public var wireSize: Int {
        var n = varintSize(subscriptions.count) + varintSize(messages.count) + control.wireSize
        for s in subscriptions { n += s.wireSize }
        for m in messages { n += m.wireSize }
        return n
    }
}

/// SUBSCRIBE / UNSUBSCRIBE of a topic.
public struct GossipSubscription: Sendable, Equatable {
    /// True to subscribe, false to unsubscribe.
    public var subscribe: Bool
    /// The topic.
    public var topic: String
    /// The announcement.
    public init(subscribe: Bool, topic: String) { self.subscribe = subscribe; self.topic = topic }
    var wireSize: Int { 1 + varintSize(topic.utf8.count) + topic.utf8.count }
}

/// IHAVE: message IDs recently seen in a topic (v1.0).
public struct GossipIHave: Sendable, Equatable {
    /// The topic.
    public var topic: String
    /// At most `maxIHaveLength` IDs.
    public var messageIDs: [GossipMessageID]
    /// The advertisement.
    public init(topic: String, messageIDs: [GossipMessageID]) { self.topic = topic; self.messageIDs = messageIDs }
    var wireSize: Int {
        varintSize(topic.utf8.count) + topic.utf8.count + varintSize(messageIDs.count)
            + messageIDs.count * GossipMessageID.wireSize
    }
}

/// PRUNE with backoff and peer exchange (v1.1).
public struct GossipPrune: Sendable, Equatable {
    /// The topic.
    public var topic: String
    /// Signed records of other peers in the topic (at most `maxPXPeers`).
    public var peers: [GossipPeerRecord]
    /// Backoff in seconds before the pruned peer may GRAFT again.
    public var backoffSeconds: UInt64
    /// The prune.
    public init(topic: String, peers: [GossipPeerRecord] = [], backoffSeconds: UInt64) {
        self.topic = topic; self.peers = peers; self.backoffSeconds = backoffSeconds
    }
    var wireSize: Int {
        var n = varintSize(topic.utf8.count) + topic.utf8.count + varintSize(peers.count) + 8
        for p in peers { n += p.wireSize }
        return n
    }
}

/// The control part of an RPC.
public struct GossipControl: Sendable, Equatable {
    /// IHAVE advertisements.
    public var ihave: [GossipIHave] = []
    /// IWANT requests (message IDs, flattened).
    public var iwant: [GossipMessageID] = []
    /// GRAFT topics.
    public var graft: [String] = []
    /// PRUNEs.
    public var prune: [GossipPrune] = []
    /// v1.2 IDONTWANT message IDs.
    public var idontwant: [GossipMessageID] = []

    /// Empty control.
    public init(ihave: [GossipIHave] = [], iwant: [GossipMessageID] = [], graft: [String] = [],
                prune: [GossipPrune] = [], idontwant: [GossipMessageID] = []) {
        self.ihave = ihave; self.iwant = iwant; self.graft = graft; self.prune = prune; self.idontwant = idontwant
    }

    /// Whether there is nothing to send.
    public var isEmpty: Bool { ihave.isEmpty && iwant.isEmpty && graft.isEmpty && prune.isEmpty && idontwant.isEmpty }

    var wireSize: Int {
        var n = varintSize(ihave.count) + varintSize(iwant.count) + iwant.count * GossipMessageID.wireSize
            + varintSize(graft.count) + varintSize(prune.count) + varintSize(idontwant.count)
            + idontwant.count * GossipMessageID.wireSize
        for i in ihave { n += i.wireSize }
        for g in graft { n += varintSize(g.utf8.count) + g.utf8.count }
        for p in prune { n += p.wireSize }
        return n
    }
}

// MARK: Codec

extension GossipSubscription: WireEncodable, WireDecodable {
    /// flag (1) ‖ topic.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeBool(subscribe)
            try writeTopic(topic, to: &w)
        }
    }
    /// flag (1) ‖ topic.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            GossipSubscription(subscribe: try r.readBool(), topic: try readTopic(&r))
        }
    }
}

extension GossipIHave: WireEncodable, WireDecodable {
    /// topic ‖ IDs.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try writeTopic(topic, to: &w)
            try w.writeArray(messageIDs, maxCount: GossipLimits.maxIHaveLength)
        }
    }
    /// topic ‖ IDs (at most `maxIHaveLength`).
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            GossipIHave(topic: try readTopic(&r),
                        messageIDs: try r.readArray(of: GossipMessageID.self, maxCount: GossipLimits.maxIHaveLength))
        }
    }
}

extension GossipPrune: WireEncodable, WireDecodable {
    /// topic ‖ peer records ‖ backoff seconds (8).
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try writeTopic(topic, to: &w)
            try w.writeArray(peers, maxCount: GossipLimits.maxPXPeers)
            try w.writeUInt64(backoffSeconds)
        }
    }
    /// topic ‖ peer records (at most `maxPXPeers`) ‖ backoff seconds.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            GossipPrune(topic: try readTopic(&r),
                        peers: try r.readArray(of: GossipPeerRecord.self, maxCount: GossipLimits.maxPXPeers),
                        backoffSeconds: try r.readUInt64())
        }
    }
}

extension GossipControl: WireEncodable, WireDecodable {
    /// ihave ‖ iwant ‖ graft ‖ prune ‖ idontwant, each a counted list.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        let cap = GossipLimits.maxRPCControlEntries
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeArray(ihave, maxCount: cap)
            try w.writeArray(iwant, maxCount: GossipLimits.maxRPCMessageIDs)
            guard graft.count <= cap else { throw .lengthExceedsLimit(length: graft.count, limit: cap) }
            try w.writeLength(graft.count, .canonicalVarInt)
            for t in graft { try writeTopic(t, to: &w) }
            try w.writeArray(prune, maxCount: cap)
            try w.writeArray(idontwant, maxCount: GossipLimits.maxRPCMessageIDs)
        }
    }
    /// The control parser (fuzzed by `FuzzGossipRPC`): every list capped.
    public init(from reader: inout ByteReader) throws(WireError) {
        let cap = GossipLimits.maxRPCControlEntries
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            var c = GossipControl()
            c.ihave = try r.readArray(of: GossipIHave.self, maxCount: cap)
            c.iwant = try r.readArray(of: GossipMessageID.self, maxCount: GossipLimits.maxRPCMessageIDs)
            let n = try r.readLength(.canonicalVarInt, maxLength: cap)
            for _ in 0..<n { c.graft.append(try readTopic(&r)) }
            c.prune = try r.readArray(of: GossipPrune.self, maxCount: cap)
            c.idontwant = try r.readArray(of: GossipMessageID.self, maxCount: GossipLimits.maxRPCMessageIDs)
            return c
        }
    }
}

extension GossipRPC: WireEncodable, WireDecodable {
    /// subscriptions ‖ messages ‖ control.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeArray(subscriptions, maxCount: GossipLimits.maxRPCSubscriptions)
            try w.writeArray(messages, maxCount: GossipLimits.maxRPCMessages)
            try control.encode(to: &w)
        }
    }
    /// subscriptions ‖ messages ‖ control, each capped; the whole RPC at most `maxRPCSize` bytes.
    public init(from reader: inout ByteReader) throws(WireError) {
        guard reader.remaining <= GossipLimits.maxRPCSize else {
            throw .lengthExceedsLimit(length: reader.remaining, limit: GossipLimits.maxRPCSize)
        }
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            GossipRPC(subscriptions: try r.readArray(of: GossipSubscription.self, maxCount: GossipLimits.maxRPCSubscriptions),
                      messages: try r.readArray(of: GossipMessage.self, maxCount: GossipLimits.maxRPCMessages),
                      control: try GossipControl(from: &r))
        }
    }
}

func writeTopic(_ topic: String, to w: inout ByteWriter) throws(WireError) {
    let n = topic.utf8.count
    guard n <= GossipLimits.maxTopicLength else {
        throw .lengthExceedsLimit(length: n, limit: GossipLimits.maxTopicLength)
    }
    try w.writeString(topic)
}

func readTopic(_ r: inout ByteReader) throws(WireError) -> String {
    try r.readString(maxLength: GossipLimits.maxTopicLength)
}
