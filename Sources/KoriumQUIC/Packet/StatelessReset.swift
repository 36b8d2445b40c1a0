import KoriumCrypto
import KoriumWire

/// Stateless Reset (RFC 9000 §10.3): token derivation, sizing, writing and detection.
public enum StatelessReset {
    /// RFC 9000 §10.3: 5 unpredictable bytes (38 bits after the two fixed bits) plus the
    /// 16-byte token; anything shorter is never a valid short-header packet.
    public static let minimumSize = 21
    /// RFC 9000 §10.3: a reset answering a packet of 43 bytes or fewer should be one byte shorter.
    public static let shortTriggerThreshold = 43

    /// RFC 9000 §10.3.2: a token that is hard to guess and bound to one connection ID,
    /// `HMAC-SHA256(staticKey, connectionID)` truncated to 16 bytes. The key must be secret
    /// and shared by every endpoint instance that may receive packets for the ID.
    public static func token(for connectionID: ConnectionID, staticKey: SecureBytes) -> StatelessResetToken {
        var mac = staticKey.withUnsafeBytes { HMAC<SHA256>(key: $0) }
        connectionID.withUnsafeBytes { mac.update($0) }
        var digest = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        return withUnsafeMutableBytes(of: &digest) { raw in
            mac.finalize(into: raw)
            var reader = ByteReader(UnsafeRawBufferPointer(rebasing: raw[0..<StatelessResetToken.byteCount]))
            do { return try StatelessResetToken(from: &reader) } catch { preconditionFailure("16 of 32 bytes") }
        }
    }

    /// The size of a Stateless Reset to send in answer to a datagram of `triggerSize` bytes, or
    /// nil when none may be sent: RFC 9000 §10.3.3 requires it to be smaller than the trigger
    /// (so two endpoints cannot loop), and it cannot be below ``minimumSize``. Triggers of up to
    /// 43 bytes get one byte less; larger ones get `preferredSize` (capped below the trigger).
    public static func responseSize(triggerSize: Int, preferredSize: Int = 43) -> Int? {
        let size = triggerSize <= shortTriggerThreshold ? triggerSize - 1 : Swift.min(preferredSize, triggerSize - 1)
        return size >= minimumSize ? size : nil
    }

    /// Writes a Stateless Reset of `size` bytes: a short-header first byte (`01` + random bits),
    /// random bytes, then the token (RFC 9000 §10.3). `random` fills its buffer with
    /// unpredictable bytes (injected, so tests are deterministic).
    public static func write(
        token: StatelessResetToken, size: Int, random: (UnsafeMutableRawBufferPointer) -> Void, into writer: inout ByteWriter
    ) throws(WireError) {
        precondition(size >= minimumSize, "a Stateless Reset is at least 21 bytes")
        let start = writer.bytesWritten
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeZeros(size - StatelessResetToken.byteCount)
            try token.write(to: &w)
        }
        writer.withWrittenBytes { raw in
            let body = UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + size - StatelessResetToken.byteCount)])
            random(body)
            body[0] = 0x40 | (body[0] & 0x3f)
        }
    }

    /// RFC 9000 §10.3.1: whether the datagram ends with `token`, compared in constant time.
    /// Datagrams shorter than ``minimumSize`` never match.
    public static func matches(datagram: UnsafeRawBufferPointer, token: StatelessResetToken) -> Bool {
        guard datagram.count >= minimumSize else { return false }
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: datagram[(datagram.count - StatelessResetToken.byteCount)...]))
        guard let tail = try? StatelessResetToken(from: &reader) else { return false }
        return tail == token
    }
}
