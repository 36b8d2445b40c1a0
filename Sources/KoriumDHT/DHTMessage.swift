import KoriumWire

/// One DHT RPC message. Every message names its sender's contact (with the proof-of-work
/// nonce), so the receiver can consider it for its routing table; the transport (TLS peer
/// identity over QUIC, or the simulator) vouches that the sender owns that key.
public struct DHTMessage: Hashable, Sendable {
    /// Pairs a response with its request (the response echoes it).
    public var requestID: UInt64
    /// Who sent the message.
    public var sender: Contact
    /// What it says.
    public var body: DHTMessageBody

    /// A message.
    public init(requestID: UInt64, sender: Contact, body: DHTMessageBody) {
        self.requestID = requestID
        self.sender = sender
        self.body = body
    }

    /// Whether the message answers a request (PONG, NODES, VALUE, STORE_RESULT).
    public var isResponse: Bool {
        switch body {
        case .ping, .findNode, .findValue, .store: return false
        case .pong, .nodes, .value, .storeResult: return true
        }
    }
}

/// The RPCs of the Kademlia protocol (PING, FIND_NODE, FIND_VALUE, STORE) and their replies.
public enum DHTMessageBody: Hashable, Sendable {
    /// Liveness probe.
    case ping
    /// Reply to PING.
    case pong
    /// Asks for the closest contacts the receiver knows to `target`.
    case findNode(target: NodeID)
    /// Reply to FIND_NODE, or to FIND_VALUE when the value is not stored (≤ 100 contacts).
    case nodes([Contact])
    /// Asks for the record under `key`, or the closest contacts.
    case findValue(key: NodeID)
    /// Reply to FIND_VALUE: the record.
    case value(DHTRecord)
    /// Asks the receiver to keep `record` for `ttlSeconds` (≤ 24 h).
    case store(DHTRecord, ttlSeconds: UInt32)
    /// Reply to STORE: nil when stored, otherwise the reason.
    case storeResult(StoreRejection?)

    /// The wire tag.
    var tag: UInt8 {
        switch self {
        case .ping: return 1
        case .pong: return 2
        case .findNode: return 3
        case .nodes: return 4
        case .findValue: return 5
        case .value: return 6
        case .store: return 7
        case .storeResult: return 8
        }
    }
}

/// The parser's typed failure: the codec error, or a message over the size cap.
public enum DHTMessageError: Error, Equatable, Sendable {
    /// The bytes are not a valid encoding.
    case wire(WireError)
    /// The message is larger than `MAX_DESERIALIZE_SIZE`.
    case tooLarge(size: Int, limit: Int)
}

extension DHTMessage {
    /// Parses one message from exactly `bytes`: total (never traps), every length capped.
    public static func parse(_ bytes: [UInt8]) throws(DHTMessageError) -> DHTMessage {
        guard bytes.count <= DHTLimits.maxMessageSize else {
            throw .tooLarge(size: bytes.count, limit: DHTLimits.maxMessageSize)
        }
        do {
            return try DHTMessage(wireBytes: bytes)
        } catch {
            throw .wire(error)
        }
    }

    /// The encoding length, computed without encoding (the simulator charges links by it).
    public var encodedSize: Int {
        1 + 8 + sender.encodedSize + body.encodedSize
    }
}

extension DHTMessageBody {
    /// The body's encoding length.
    var encodedSize: Int {
        switch self {
        case .ping, .pong: return 0
        case .findNode, .findValue: return 32
        case .nodes(let contacts):
            var n = VarInt(truncating: UInt64(contacts.count)).encodedLength
            for c in contacts { n += c.encodedSize }
            return n
        case .value(let record): return record.encodedSize
        case .store(let record, _): return record.encodedSize + 4
        case .storeResult: return 1
        }
    }
}

extension DHTMessage: WireEncodable, WireDecodable {
    /// Tag (u8), request ID (u64), sender contact, body.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeUInt8(body.tag)
            try w.writeUInt64(requestID)
            try sender.encode(to: &w)
            switch body {
            case .ping, .pong: break
            case .findNode(let target): try target.raw.encode(to: &w)
            case .findValue(let key): try key.raw.encode(to: &w)
            case .nodes(let contacts): try w.writeArray(contacts, maxCount: DHTLimits.maxContactsPerResponse)
            case .value(let record): try record.encode(to: &w)
            case .store(let record, let ttl): try record.encode(to: &w); try w.writeUInt32(ttl)
            case .storeResult(let rejection): try w.writeUInt8(rejection?.rawValue ?? 0)
            }
        }
    }

    /// Unknown tags and rejection codes are `.valueOutOfRange`.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            let tag = try r.readUInt8()
            let requestID = try r.readUInt64()
            let sender = try Contact(from: &r)
            let body: DHTMessageBody
            switch tag {
            case 1: body = .ping
            case 2: body = .pong
            case 3: body = .findNode(target: NodeID(raw: try Bytes32(from: &r)))
            case 4: body = .nodes(try r.readArray(of: Contact.self, maxCount: DHTLimits.maxContactsPerResponse))
            case 5: body = .findValue(key: NodeID(raw: try Bytes32(from: &r)))
            case 6: body = .value(try DHTRecord(from: &r))
            case 7: body = .store(try DHTRecord(from: &r), ttlSeconds: try r.readUInt32())
            case 8:
                let code = try r.readUInt8()
                if code == 0 {
                    body = .storeResult(nil)
                } else {
                    guard let rejection = StoreRejection(rawValue: code) else { throw .valueOutOfRange }
                    body = .storeResult(rejection)
                }
            default: throw .valueOutOfRange
            }
            return DHTMessage(requestID: requestID, sender: sender, body: body)
        }
    }
}

extension DHTRecord: WireEncodable, WireDecodable {
    /// Tag 1 content: value. Tag 2 mutable: key, name, sequence, value, signature.
    /// Tag 3 endpoint: key, nonce, addresses (≤ 16), timestamp, signature. Byte strings are
    /// varint-prefixed; values capped at `MAX_VALUE_SIZE`, signatures exactly 64 bytes.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            switch self {
            case .content(let r):
                try w.writeUInt8(1)
                try Self.writeValue(r.value, &w)
            case .mutable(let r):
                try w.writeUInt8(2)
                try r.publisher.raw.encode(to: &w)
                guard r.name.count <= DHTLimits.maxMutableNameLength else {
                    throw .lengthExceedsLimit(length: r.name.count, limit: DHTLimits.maxMutableNameLength)
                }
                try w.writeLengthPrefixedBytes(r.name)
                try w.writeUInt64(r.sequence)
                try Self.writeValue(r.value, &w)
                try Self.writeSignature(r.signature, &w)
            case .endpoint(let r):
                try w.writeUInt8(3)
                try r.publisher.raw.encode(to: &w)
                try w.writeUInt64(r.powNonce)
                try w.writeArray(r.addresses, maxCount: DHTLimits.maxAddresses)
                try w.writeUInt64(r.timestampMilliseconds)
                try Self.writeSignature(r.signature, &w)
            }
        }
    }

    /// Unknown tags are `.valueOutOfRange`; over-long fields `.lengthExceedsLimit`.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            switch try r.readUInt8() {
            case 1:
                return .content(ContentRecord(value: try r.readLengthPrefixedArray(maxLength: DHTLimits.maxValueSize)))
            case 2:
                let publisher = IdentityKey(raw: try Bytes32(from: &r))
                let name = try r.readLengthPrefixedArray(maxLength: DHTLimits.maxMutableNameLength)
                let sequence = try r.readUInt64()
                let value = try r.readLengthPrefixedArray(maxLength: DHTLimits.maxValueSize)
                let signature = try r.readArray(64)
                return .mutable(MutableRecord(publisher: publisher, name: name, sequence: sequence, value: value, signature: signature))
            case 3:
                let publisher = IdentityKey(raw: try Bytes32(from: &r))
                let nonce = try r.readUInt64()
                let addresses = try r.readArray(of: DHTAddress.self, maxCount: DHTLimits.maxAddresses)
                let timestamp = try r.readUInt64()
                let signature = try r.readArray(64)
                return .endpoint(EndpointRecord(publisher: publisher, powNonce: nonce, addresses: addresses,
                                                timestampMilliseconds: timestamp, signature: signature))
            default:
                throw .valueOutOfRange
            }
        }
    }

    /// The encoding length, computed without encoding.
    public var encodedSize: Int {
        switch self {
        case .content(let r):
            return 1 + VarInt(truncating: UInt64(r.value.count)).encodedLength + r.value.count
        case .mutable(let r):
            return 1 + 32 + VarInt(truncating: UInt64(r.name.count)).encodedLength + r.name.count + 8
                + VarInt(truncating: UInt64(r.value.count)).encodedLength + r.value.count + 64
        case .endpoint(let r):
            var n = 1 + 32 + 8 + VarInt(truncating: UInt64(r.addresses.count)).encodedLength + 8 + 64
            for a in r.addresses { n += a.encodedSize }
            return n
        }
    }

    private static func writeValue(_ value: [UInt8], _ w: inout ByteWriter) throws(WireError) {
        guard value.count <= DHTLimits.maxValueSize else {
            throw .lengthExceedsLimit(length: value.count, limit: DHTLimits.maxValueSize)
        }
        try w.writeLengthPrefixedBytes(value)
    }

    private static func writeSignature(_ signature: [UInt8], _ w: inout ByteWriter) throws(WireError) {
        guard signature.count == 64 else { throw .invalid("signature must be 64 bytes") }
        try w.writeBytes(signature)
    }
}
