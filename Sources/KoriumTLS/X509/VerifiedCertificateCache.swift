import KoriumCrypto
import Synchronization

/// Self-signed peer certificates that already passed ``CertificateVerifier/verifySelfSigned(chain:expectedKey:now:cache:)``,
/// keyed by their exact DER bytes, so a node that talks to the same peer again skips the
/// parse, the self-signature check and the public-key import (libsodium's point validation):
/// together about a fifth of a client's handshake CPU.
///
/// Only what does not depend on the moment or the caller is cached — the DER decoded into a
/// key, the validity window, the SPIFFE ID, and the fact that the signature over those exact
/// bytes verifies (deterministic in the bytes). The validity window and the expected key are
/// checked again on every hit, so a hit fails exactly where a full verification would.
///
/// Bounded: at most ``capacity`` certificates; inserting beyond it evicts the oldest insertion
/// (FIFO). Sendable; shared by every ``TLSConfiguration`` copied from one configuration.
public final class VerifiedCertificateCache: Sendable {
    /// Default number of certificates kept.
    public static let defaultCapacity = 64
    /// Certificates larger than this are verified every time, never cached.
    public static let maxCachedCertificateSize = 4_096

    struct Entry: Sendable {
        var publicKey: [UInt8]
        var importedKey: Ed25519.PublicKey
        var spiffeID: SPIFFEID?
        var notBefore: Int64
        var notAfter: Int64
    }

    struct Storage: Sendable {
        var entries: [[UInt8]: Entry] = [:]
        /// Insertion order, oldest first (the eviction order).
        var order: [[UInt8]] = []
        var hits: UInt64 = 0
        var misses: UInt64 = 0
    }

    /// Most certificates kept.
    public let capacity: Int
    private let storage = Mutex(Storage())

    /// An empty cache holding at most `capacity` certificates (at least one).
    public init(capacity: Int = VerifiedCertificateCache.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// Certificates currently cached.
    public var count: Int { storage.withLock { $0.entries.count } }

    /// Lookups that found a verified certificate, and lookups that did not.
    public var statistics: (hits: UInt64, misses: UInt64) { storage.withLock { ($0.hits, $0.misses) } }

    func lookup(_ der: [UInt8]) -> Entry? {
        storage.withLock { s in
            let entry = s.entries[der]
            if entry == nil { s.misses &+= 1 } else { s.hits &+= 1 }
            return entry
        }
    }

    func insert(_ der: [UInt8], _ entry: Entry) {
        guard der.count <= Self.maxCachedCertificateSize else { return }
        storage.withLock { s in
            guard s.entries[der] == nil else { return }
            if s.entries.count >= capacity, !s.order.isEmpty {
                s.entries[s.order.removeFirst()] = nil
            }
            s.entries[der] = entry
            s.order.append(der)
        }
    }
}
