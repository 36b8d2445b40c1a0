import KoriumCrypto
import KoriumWire

/// A Feldman VSS commitment to a secret polynomial: the points a_k·B for each coefficient a_k,
/// constant term first (RFC 9591 Appendix C.2 `vss_commit`). Its first element is the public
/// key of the shared secret; its length is the threshold.
public struct VSSCommitment: Sendable, Hashable, WireCodable {
    /// The coefficient commitments, constant term first.
    public let coefficients: [Ed25519Point]

    /// Wraps coefficient commitments (1...maxParticipants of them, none the identity).
    public init(coefficients: [Ed25519Point]) throws(FROSTError) {
        guard !coefficients.isEmpty, coefficients.count <= FROSTLimits.maxParticipants,
            !coefficients.contains(where: \.isIdentity)
        else { throw .identityElement }
        self.coefficients = coefficients
    }

    /// RFC 9591 Appendix C.2 `vss_commit`.
    init(committingTo coefficients: [Ed25519Scalar]) {
        self.coefficients = coefficients.map { Ed25519Point.baseMultiplied(by: $0) }
    }

    /// The threshold (number of coefficients).
    public var threshold: Int { coefficients.count }

    /// The public key of the shared secret, f(0)·B.
    public var publicKey: Ed25519Point { coefficients[0] }

    /// f(x)·B computed from the commitment alone: participant x's verifying share.
    public func evaluate(at identifier: FROSTIdentifier) -> Ed25519Point {
        Polynomial.evaluate(coefficients, at: identifier.scalar)
    }

    /// RFC 9591 Appendix C.2 `vss_verify`: whether `share`·B equals the committed f(identifier)·B.
    public func verify(share: Ed25519Scalar, for identifier: FROSTIdentifier) -> Bool {
        Ed25519Point.baseMultiplied(by: share) == evaluate(at: identifier)
    }

    /// A canonical-varint count, then 32 bytes per point.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        guard !coefficients.isEmpty, coefficients.count <= FROSTLimits.maxParticipants else {
            throw .lengthExceedsLimit(length: coefficients.count, limit: FROSTLimits.maxParticipants)
        }
        try writer.writeLength(coefficients.count, .canonicalVarInt)
        for c in coefficients { try writer.writeElement(c) }
    }

    /// A count in 1...maxParticipants, then that many valid non-identity points.
    public init(from reader: inout ByteReader) throws(WireError) {
        coefficients = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            let n = try r.readLength(.canonicalVarInt, maxLength: FROSTLimits.maxParticipants)
            guard n >= 1 else { throw .invalid("empty commitment") }
            guard n * Ed25519Point.byteCount <= r.remaining else {
                throw .truncated(needed: n * Ed25519Point.byteCount, available: r.remaining)
            }
            var points: [Ed25519Point] = []
            points.reserveCapacity(n)
            for _ in 0..<n { points.append(try r.readElement()) }
            return points
        }
    }
}
