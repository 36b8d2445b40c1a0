import KoriumCrypto
import KoriumWire

/// Why a record is not acceptable, independent of who sent it.
public enum RecordError: Error, Equatable, Sendable {
    /// The value is larger than `MAX_VALUE_SIZE`.
    case valueTooLarge(size: Int, limit: Int)
    /// The signature does not verify under the publisher key (or the key is not a valid point).
    case invalidSignature
    /// An endpoint record older than `ENDPOINT_RECORD_MAX_AGE_SECS`.
    case expired
    /// A timestamp further in the future than `FUTURE_TOLERANCE_MS`.
    case fromTheFuture
    /// The record does not belong under the key it was requested or stored for.
    case keyMismatch
}

/// An immutable value stored under BLAKE2b-256 of its bytes: self-verifying.
public struct ContentRecord: Hashable, Sendable {
    /// The stored bytes.
    public var value: [UInt8]
    /// A record for `value`.
    public init(value: [UInt8]) { self.value = value }
    /// BLAKE2b-256 of the value.
    public var key: NodeID { NodeID(raw: DHTHash.blake2b256(value)) }
}

/// A value a publisher may replace: signed, with a sequence number (higher wins), stored under
/// BLAKE2b-256(`korium-mutable-v1:` ‖ publisher key ‖ name).
public struct MutableRecord: Hashable, Sendable {
    /// The publisher's Ed25519 key.
    public var publisher: IdentityKey
    /// Scopes several values under one publisher (≤ 64 bytes).
    public var name: [UInt8]
    /// Version: a record replaces a stored one only with a higher sequence.
    public var sequence: UInt64
    /// The stored bytes.
    public var value: [UInt8]
    /// Ed25519 signature over `signedBytes`.
    public var signature: [UInt8]

    /// The key of a publisher's named value.
    public static func key(publisher: IdentityKey, name: [UInt8]) -> NodeID {
        NodeID(raw: DHTHash.blake2b256(DHTLimits.mutableSignatureDomain + publisher.raw.bytes + name))
    }

    /// This record's key.
    public var key: NodeID { Self.key(publisher: publisher, name: name) }

    /// A signed record.
    public init(signing value: [UInt8], name: [UInt8], sequence: UInt64, with identity: DHTIdentity) {
        publisher = identity.publicKey
        self.name = name
        self.sequence = sequence
        self.value = value
        signature = []
        signature = identity.privateKey.signature(for: signedBytes)
    }

    /// A record with the given fields (signature checked by `DHTRecord.validate`).
    public init(publisher: IdentityKey, name: [UInt8], sequence: UInt64, value: [UInt8], signature: [UInt8]) {
        self.publisher = publisher; self.name = name; self.sequence = sequence
        self.value = value; self.signature = signature
    }

    /// Domain ‖ key ‖ name length (u8) ‖ name ‖ sequence ‖ value.
    var signedBytes: [UInt8] {
        var bytes = DHTLimits.mutableSignatureDomain + publisher.raw.bytes
        bytes.append(UInt8(truncatingIfNeeded: name.count))
        bytes += name
        for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: sequence >> UInt64(s))) }
        bytes += value
        return bytes
    }
}

/// A signed endpoint record: identity → addresses, newest timestamp wins, at most 24 h old.
/// Stored under the publisher's node ID.
public struct EndpointRecord: Hashable, Sendable {
    /// The publisher's Ed25519 key.
    public var publisher: IdentityKey
    /// The publisher's proof-of-work nonce.
    public var powNonce: UInt64
    /// Where the publisher can be reached (≤ `MAX_ADDRS`).
    public var addresses: [DHTAddress]
    /// Milliseconds since the Unix epoch when the record was signed.
    public var timestampMilliseconds: UInt64
    /// Ed25519 signature over `signedBytes`.
    public var signature: [UInt8]

    /// The publisher's node ID, the key the record is stored under.
    public var key: NodeID { NodeID(publicKey: publisher) }

    /// A record signed now.
    public init(signing addresses: [DHTAddress], at now: DHTInstant, with identity: DHTIdentity) {
        publisher = identity.publicKey
        powNonce = identity.powNonce
        self.addresses = Array(addresses.prefix(DHTLimits.maxAddresses))
        timestampMilliseconds = now.milliseconds
        signature = []
        signature = identity.privateKey.signature(for: signedBytes)
    }

    /// A record with the given fields (checked by `DHTRecord.validate`).
    public init(publisher: IdentityKey, powNonce: UInt64, addresses: [DHTAddress], timestampMilliseconds: UInt64, signature: [UInt8]) {
        self.publisher = publisher; self.powNonce = powNonce; self.addresses = addresses
        self.timestampMilliseconds = timestampMilliseconds; self.signature = signature
    }

    /// `korium-contact-v1:` ‖ key ‖ nonce ‖ address count (u8) ‖ addresses ‖ timestamp.
    var signedBytes: [UInt8] {
        var writer = ByteWriter(capacity: 64 + addresses.count * 19)
        do {
            try writer.writeBytes(DHTLimits.contactSignatureDomain)
            try publisher.raw.encode(to: &writer)
            try writer.writeUInt64(powNonce)
            try writer.writeUInt8(UInt8(truncatingIfNeeded: addresses.count))
            for a in addresses { try a.encode(to: &writer) }
            try writer.writeUInt64(timestampMilliseconds)
        } catch {
            preconditionFailure("growable writer failed: \(error)")
        }
        return writer.bytes
    }
}

/// A value the DHT stores: content-addressed, signed mutable, or a signed endpoint record.
public enum DHTRecord: Hashable, Sendable {
    /// Immutable, key = hash of the value.
    case content(ContentRecord)
    /// Signed, versioned by sequence number.
    case mutable(MutableRecord)
    /// Signed identity → addresses, versioned by timestamp.
    case endpoint(EndpointRecord)

    /// The key this record is stored under.
    public var key: NodeID {
        switch self {
        case .content(let r): return r.key
        case .mutable(let r): return r.key
        case .endpoint(let r): return r.key
        }
    }

    /// Whether the key was chosen by hashing the value (cheaper to rate-limit).
    public var isContentAddressed: Bool {
        if case .content = self { return true }
        return false
    }

    /// The payload length (what `MAX_VALUE_SIZE` limits).
    public var valueSize: Int {
        switch self {
        case .content(let r): return r.value.count
        case .mutable(let r): return r.value.count
        case .endpoint(let r): return r.addresses.count * 19
        }
    }

    /// Checks size, signature and age. Signatures are verified with libsodium's strict
    /// Ed25519 verification (non-canonical S and small-order keys rejected).
    public func validate(now: DHTInstant) throws(RecordError) {
        guard valueSize <= DHTLimits.maxValueSize else {
            throw .valueTooLarge(size: valueSize, limit: DHTLimits.maxValueSize)
        }
        switch self {
        case .content:
            return
        case .mutable(let r):
            try Self.verify(r.signature, r.signedBytes, r.publisher)
        case .endpoint(let r):
            let nowMs = now.milliseconds
            guard r.timestampMilliseconds <= nowMs &+ DHTLimits.futureToleranceMilliseconds else { throw .fromTheFuture }
            let maxAgeMs = UInt64(DHTLimits.endpointRecordMaxAge.nanoseconds / 1_000_000)
            guard nowMs <= r.timestampMilliseconds || nowMs - r.timestampMilliseconds <= maxAgeMs else { throw .expired }
            try Self.verify(r.signature, r.signedBytes, r.publisher)
        }
    }

    /// Whether this record should replace `stored` (same key): a higher sequence for mutable
    /// values, a newer timestamp for endpoint records; content records never change.
    public func supersedes(_ stored: DHTRecord) -> Bool {
        switch (self, stored) {
        case (.mutable(let new), .mutable(let old)): return new.sequence > old.sequence
        case (.endpoint(let new), .endpoint(let old)): return new.timestampMilliseconds > old.timestampMilliseconds
        default: return false
        }
    }

    /// Whether this record is the same version as `stored` (a republish of it).
    public func isSameVersion(as stored: DHTRecord) -> Bool {
        switch (self, stored) {
        case (.content, .content): return true
        case (.mutable(let new), .mutable(let old)): return new.sequence == old.sequence && new.signature == old.signature
        case (.endpoint(let new), .endpoint(let old)):
            return new.timestampMilliseconds == old.timestampMilliseconds && new.signature == old.signature
        default: return false
        }
    }

    private static func verify(_ signature: [UInt8], _ message: [UInt8], _ key: IdentityKey) throws(RecordError) {
        guard let publicKey = try? Ed25519.PublicKey(rawRepresentation: key.raw.bytes),
              publicKey.isValidSignature(signature, for: message)
        else { throw .invalidSignature }
    }
}
