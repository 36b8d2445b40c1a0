import KoriumCrypto
import KoriumWire

/// Authenticated address-validation tokens (RFC 9000 §8.1.2–§8.1.4): carried in Retry packets
/// and NEW_TOKEN frames, echoed by the client in the Initial Token field.
///
/// A token is `kind ‖ nonce ‖ ChaCha20-Poly1305(issued-at ‖ original DCID ‖ retry SCID)` under
/// a server-wide key, with the client's address as associated data, so a token only
/// validates from the address it was issued to and cannot be forged or altered (§8.1.4
/// requires integrity). `issued-at` is on the caller's clock; the caller must use one that
/// survives as long as tokens should (RFC 9000 §8.1.3: NEW_TOKEN tokens outlive connections).
public struct AddressValidationTokenKey: Sendable {
    /// Kinds of token.
    public enum Kind: UInt8, Sendable, Hashable {
        /// From a Retry packet: short-lived, carries the original connection IDs.
        case retry = 1
        /// From a NEW_TOKEN frame, for a future connection.
        case newToken = 2
    }

    /// What a valid token proves.
    public struct Contents: Sendable, Hashable {
        /// Retry or NEW_TOKEN.
        public let kind: Kind
        /// When it was issued.
        public let issuedAt: Instant
        /// Retry tokens: the client's original Destination Connection ID (for the
        /// original_destination_connection_id transport parameter).
        public let originalDestinationConnectionID: ConnectionID
        /// Retry tokens: the Source Connection ID of the Retry (retry_source_connection_id).
        public let retrySourceConnectionID: ConnectionID
    }

    /// Bytes of the nonce.
    static let nonceByteCount = 12
    /// Bytes of a token: kind, nonce, 8-byte time, two length-prefixed CIDs (up to 21 each), tag.
    public static let maximumTokenByteCount = 1 + 12 + 8 + 21 + 21 + 16

    let cipher: ChaCha20Poly1305

    /// Keys token protection with a 32-byte server secret.
    public init(key: SecureBytes) throws(CryptoError) {
        cipher = try key.withUnsafeBytes { raw throws(CryptoError) in try ChaCha20Poly1305(key: raw) }
    }

    /// Issues a token for a client at `address` (any stable encoding of IP and port).
    /// `nonce` must be 12 unpredictable bytes, never reused under this key.
    public func issue(
        kind: Kind, address: [UInt8], now: Instant, originalDestinationConnectionID: ConnectionID = .empty,
        retrySourceConnectionID: ConnectionID = .empty, nonce: [UInt8]
    ) throws(CryptoError) -> [UInt8] {
        precondition(nonce.count == Self.nonceByteCount, "token nonce is 12 bytes")
        var plain = ByteWriter(capacity: 64)
        do {
            try plain.writeUInt64(now.nanoseconds)
            try originalDestinationConnectionID.writeLengthPrefixed(to: &plain)
            try retrySourceConnectionID.writeLengthPrefixed(to: &plain)
        } catch { preconditionFailure("growable writer cannot fail") }
        let sealed = try cipher.seal(plain.bytes, nonce: nonce, aad: [kind.rawValue] + address)
        return [kind.rawValue] + nonce + sealed
    }

    /// Validates a token from a client at `address`: the right kind, authentic, bound to that
    /// address, and issued no more than `lifetime` before `now`. Anything else is nil (for a
    /// Retry token the server should then close with INVALID_TOKEN, RFC 9000 §8.1.3).
    public func validate(_ token: UnsafeRawBufferPointer, kind: Kind, address: [UInt8], now: Instant, lifetime: Duration) -> Contents? {
        guard token.count > 1 + Self.nonceByteCount + 16, token.count <= Self.maximumTokenByteCount,
              token[0] == kind.rawValue
        else { return nil }
        let nonce = UnsafeRawBufferPointer(rebasing: token[1..<(1 + Self.nonceByteCount)])
        let body = UnsafeRawBufferPointer(rebasing: token[(1 + Self.nonceByteCount)...])
        guard let plain = try? cipher.open(body, nonce: nonce, aad: [kind.rawValue] + address) else { return nil }
        return plain.withReader { (r: inout ByteReader) -> Contents? in
            guard let issued = try? r.readUInt64(),
                  let odcid = try? ConnectionID(lengthPrefixedFrom: &r),
                  let rscid = try? ConnectionID(lengthPrefixedFrom: &r), r.isAtEnd
            else { return nil }
            let issuedAt = Instant(nanoseconds: issued)
            guard issuedAt <= now, now - issuedAt <= lifetime else { return nil }
            return Contents(kind: kind, issuedAt: issuedAt, originalDestinationConnectionID: odcid, retrySourceConnectionID: rscid)
        }
    }
}
