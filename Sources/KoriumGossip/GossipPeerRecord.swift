import KoriumCrypto
import KoriumWire

/// A signed peer record exchanged in PRUNE peer exchange (v1.1 §PRUNE Backoff and Peer
/// Exchange): the peer's addresses and a timestamp, signed by the peer itself so a pruning peer
/// cannot forge where another peer lives.
public struct GossipPeerRecord: Sendable, Equatable {
    /// The peer the record describes (its signing key).
    public var peer: GossipPeerID
    /// Milliseconds since the epoch when the record was made; newer records replace older ones.
    public var timestampMillis: UInt64
    /// Opaque transport addresses, at most `maxRecordAddresses` of at most `maxAddressLength` bytes.
    public var addresses: [[UInt8]]
    /// Ed25519 signature over ``signedBytes``.
    public var signature: [UInt8]

    /// A record with the given fields (unverified).
    public init(peer: GossipPeerID, timestampMillis: UInt64, addresses: [[UInt8]], signature: [UInt8]) {
        self.peer = peer; self.timestampMillis = timestampMillis; self.addresses = addresses
        self.signature = signature
    }

    /// Creates and signs a record with `key`.
    public init(signing addresses: [[UInt8]], timestampMillis: UInt64, key: Ed25519.PrivateKey) {
        let peer = GossipPeerID(bytes: key.publicKey.rawRepresentation) ?? GossipPeerID(0, 0, 0, 0)
        self.init(peer: peer, timestampMillis: timestampMillis, addresses: addresses, signature: [])
        signature = key.signature(for: signedBytes)
    }

    /// `peerRecordSignatureDomain ‖ peer ‖ timestamp ‖ addresses`.
    public var signedBytes: [UInt8] {
        var w = ByteWriter(capacity: 128)
        try? w.writeBytes(GossipLimits.peerRecordSignatureDomain)
        try? encodeBody(to: &w)
        return w.bytes
    }

    /// Whether the signature verifies and the timestamp is not beyond `now` + the tolerance.
    public func isValid(now: GossipInstant) -> Bool {
        let limit = now.advanced(by: GossipLimits.futureToleranceNanos).nanoseconds / 1_000_000
        guard Int64(clamping: timestampMillis) <= limit,
              signature.count == Ed25519.signatureByteCount,
              let key = try? Ed25519.PublicKey(rawRepresentation: peer.bytes)
        else { return false }
        return key.isValidSignature(signature, for: signedBytes)
    }

    private func encodeBody(to w: inout ByteWriter) throws(WireError) {
        try peer.encode(to: &w)
        try w.writeUInt64(timestampMillis)
        guard addresses.count <= GossipLimits.maxRecordAddresses else {
            throw .lengthExceedsLimit(length: addresses.count, limit: GossipLimits.maxRecordAddresses)
        }
        try w.writeLength(addresses.count, .canonicalVarInt)
        for a in addresses {
            guard a.count <= GossipLimits.maxAddressLength else {
                throw .lengthExceedsLimit(length: a.count, limit: GossipLimits.maxAddressLength)
            }
            try w.writeLengthPrefixedBytes(a)
        }
    }

    /// Encoded size.
    public var wireSize: Int {
        var n = 32 + 8 + varintSize(addresses.count) + Ed25519.signatureByteCount
        for a in addresses { n += varintSize(a.count) + a.count }
        return n
    }
}

extension GossipPeerRecord: WireEncodable, WireDecodable {
    /// peer (32) ‖ timestamp (8) ‖ addresses ‖ signature (64).
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        guard signature.count == Ed25519.signatureByteCount else { throw .invalid("signature length") }
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try encodeBody(to: &w)
            try w.writeBytes(signature)
        }
    }

    /// Decodes with the address caps; the signature is checked by the router.
    public init(from reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            let peer = try GossipPeerID(from: &r)
            let ts = try r.readUInt64()
            let n = try r.readLength(.canonicalVarInt, maxLength: GossipLimits.maxRecordAddresses)
            var addresses: [[UInt8]] = []
            addresses.reserveCapacity(n)
            for _ in 0..<n { addresses.append(try r.readLengthPrefixedArray(maxLength: GossipLimits.maxAddressLength)) }
            let signature = try r.readArray(Ed25519.signatureByteCount)
            return GossipPeerRecord(peer: peer, timestampMillis: ts, addresses: addresses, signature: signature)
        }
    }
}
