import KoriumCrypto
import KoriumWire

/// A published message: signed by its source's Ed25519 key (strict signing policy — every
/// message carries `source`, `seqno` and a signature, unsigned messages do not exist).
public struct GossipMessage: Sendable, Equatable {
    /// The publisher's identity (its Ed25519 public key).
    public var source: GossipPeerID
    /// The publisher's sequence number (unique per publisher, checked by the replay window).
    public var seqno: UInt64
    /// The topic.
    public var topic: String
    /// The payload, at most `GossipLimits.maxMessageSize` bytes.
    public var data: [UInt8]
    /// Ed25519 signature over ``signedBytes``.
    public var signature: [UInt8]

    /// A message with the given fields (unverified).
    public init(source: GossipPeerID, seqno: UInt64, topic: String, data: [UInt8], signature: [UInt8]) {
        self.source = source; self.seqno = seqno; self.topic = topic; self.data = data
        self.signature = signature
    }

    /// Creates and signs a message with `key`.
    public init(signing data: [UInt8], topic: String, seqno: UInt64, key: Ed25519.PrivateKey) {
        // The key's public half is always 32 bytes, so the ID exists.
        let source = GossipPeerID(bytes: key.publicKey.rawRepresentation) ?? GossipPeerID(0, 0, 0, 0)
        self.init(source: source, seqno: seqno, topic: topic, data: data, signature: [])
        signature = key.signature(for: signedBytes)
    }

    /// The message ID (`source ‖ seqno`).
    @inlinable
    public var id: GossipMessageID { GossipMessageID(source: source, seqno: seqno) }

    /// What the signature covers: `signatureDomain ‖ source ‖ seqno ‖ topic ‖ data`, with the
    /// codec's length prefixes on topic and data (unambiguous).
    public var signedBytes: [UInt8] {
        var w = ByteWriter(capacity: GossipLimits.signatureDomain.count + 64 + topic.utf8.count + data.count)
        // A growable writer only fails on lengths beyond 2^62, impossible for in-memory arrays.
        try? w.writeBytes(GossipLimits.signatureDomain)
        try? source.encode(to: &w)
        try? w.writeUInt64(seqno)
        try? w.writeString(topic)
        try? w.writeLengthPrefixedBytes(data)
        return w.bytes
    }

    /// Whether the signature is valid for `source` (strict Ed25519 verification).
    public var hasValidSignature: Bool {
        guard signature.count == Ed25519.signatureByteCount,
              let key = try? Ed25519.PublicKey(rawRepresentation: source.bytes)
        else { return false }
        return key.isValidSignature(signature, for: signedBytes)
    }

    /// Encoded size, computed without encoding.
    public var wireSize: Int {
        let t = topic.utf8.count
        return 32 + 8 + varintSize(t) + t + varintSize(data.count) + data.count + Ed25519.signatureByteCount
    }
}

@inlinable
func varintSize(_ n: Int) -> Int { VarInt(truncating: UInt64(n)).encodedLength }

extension GossipMessage: WireEncodable, WireDecodable {
    /// source (32) ‖ seqno (8) ‖ topic ‖ data ‖ signature (64, fixed).
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        guard topic.utf8.count <= GossipLimits.maxTopicLength else {
            throw .lengthExceedsLimit(length: topic.utf8.count, limit: GossipLimits.maxTopicLength)
        }
        guard data.count <= GossipLimits.maxMessageSize else {
            throw .lengthExceedsLimit(length: data.count, limit: GossipLimits.maxMessageSize)
        }
        guard signature.count == Ed25519.signatureByteCount else { throw .invalid("signature length") }
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try source.encode(to: &w)
            try w.writeUInt64(seqno)
            try w.writeString(topic)
            try w.writeLengthPrefixedBytes(data)
            try w.writeBytes(signature)
        }
    }

    /// Decodes with the topic and payload caps; the signature is checked by the router.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            let source = try GossipPeerID(from: &r)
            let seqno = try r.readUInt64()
            let topic = try r.readString(maxLength: GossipLimits.maxTopicLength)
            let data = try r.readLengthPrefixedArray(maxLength: GossipLimits.maxMessageSize)
            let signature = try r.readArray(Ed25519.signatureByteCount)
            return GossipMessage(source: source, seqno: seqno, topic: topic, data: data, signature: signature)
        }
    }
}
