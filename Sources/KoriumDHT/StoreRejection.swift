/// Why a node refused a STORE, sent back to the requester in STORE_RESULT (never a silent
/// drop). The raw values are the wire codes.
public enum StoreRejection: UInt8, Error, Hashable, Sendable, CaseIterable {
    /// The value exceeds `MAX_VALUE_SIZE`.
    case valueTooLarge = 1
    /// The signature of a mutable or endpoint record does not verify.
    case invalidSignature = 2
    /// An endpoint record older than its maximum age.
    case expiredRecord = 3
    /// A record timestamp too far in the future.
    case futureRecord = 4
    /// The record does not hash to the key it claims.
    case keyMismatch = 5
    /// A newer version of the record is already stored.
    case staleVersion = 6
    /// The sender's stored bytes would exceed `PER_PEER_STORAGE_QUOTA`.
    case peerByteQuotaExceeded = 7
    /// The sender's stored entries would exceed `PER_PEER_ENTRY_LIMIT`.
    case peerEntryQuotaExceeded = 8
    /// The sender exceeded `PER_PEER_RATE_LIMIT` stores per window.
    case rateLimited = 9
    /// The store is under memory or request pressure and the value cannot be placed.
    case storagePressure = 10
    /// A TTL of zero or above the default TTL.
    case ttlOutOfRange = 11

    /// The rejection matching a record validation failure.
    public init(_ error: RecordError) {
        switch error {
        case .valueTooLarge: self = .valueTooLarge
        case .invalidSignature: self = .invalidSignature
        case .expired: self = .expiredRecord
        case .fromTheFuture: self = .futureRecord
        case .keyMismatch: self = .keyMismatch
        }
    }
}
