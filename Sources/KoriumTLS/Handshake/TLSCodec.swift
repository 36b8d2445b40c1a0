import KoriumWire

/// TLS presentation-language helpers (RFC 8446 §3) over KoriumWire's reader and writer: every
/// read failure becomes `decode_error` (RFC 8446 §6.2: "a message could not be decoded because
/// some field was out of the specified range or the length of the message was incorrect").
extension ByteReader {
    @inline(__always)
    mutating func tlsUInt8() throws(TLSError) -> UInt8 {
        do { return try readUInt8() } catch { throw TLSError(.decodeError, "truncated message") }
    }

    @inline(__always)
    mutating func tlsUInt16() throws(TLSError) -> UInt16 {
        do { return try readUInt16() } catch { throw TLSError(.decodeError, "truncated message") }
    }

    @inline(__always)
    mutating func tlsUInt24() throws(TLSError) -> UInt32 {
        do { return try readUInt24() } catch { throw TLSError(.decodeError, "truncated message") }
    }

    @inline(__always)
    mutating func tlsUInt32() throws(TLSError) -> UInt32 {
        do { return try readUInt32() } catch { throw TLSError(.decodeError, "truncated message") }
    }

    mutating func tlsBytes(_ count: Int) throws(TLSError) -> [UInt8] {
        do { return try readArray(count) } catch { throw TLSError(.decodeError, "truncated message") }
    }

    /// A vector `<min..max>` with a `prefixBytes`-byte length (RFC 8446 §3.4), as a sub-reader.
    mutating func tlsVector(prefixBytes: Int, min: Int = 0, max: Int) throws(TLSError) -> ByteReader {
        let length: Int
        switch prefixBytes {
        case 1: length = Int(try tlsUInt8())
        case 2: length = Int(try tlsUInt16())
        default: length = Int(try tlsUInt24())
        }
        guard length >= min, length <= max else {
            throw TLSError(.decodeError, "vector length \(length) outside \(min)...\(max)")
        }
        do { return try readSubReader(length) } catch { throw TLSError(.decodeError, "truncated vector") }
    }

    /// A vector `<min..max>` copied out as bytes.
    mutating func tlsOpaque(prefixBytes: Int, min: Int = 0, max: Int) throws(TLSError) -> [UInt8] {
        var sub = try tlsVector(prefixBytes: prefixBytes, min: min, max: max)
        return try sub.tlsBytes(sub.remaining)
    }

    /// Fails with `decode_error` if bytes are left (every TLS structure has an exact length).
    func tlsExpectEnd() throws(TLSError) {
        guard isAtEnd else { throw TLSError(.decodeError, "\(remaining) trailing bytes") }
    }
}

/// A growable writer for TLS structures. Lengths are checked where the vector is closed;
/// exceeding one is a programming error on our side (we never encode peer-sized data unchecked).
struct TLSWriter {
    private(set) var writer = ByteWriter(capacity: 256)

    var bytes: [UInt8] { writer.bytes }

    mutating func u8(_ v: UInt8) { write { (w: inout ByteWriter) throws(WireError) in try w.writeUInt8(v) } }
    mutating func u16(_ v: UInt16) { write { (w: inout ByteWriter) throws(WireError) in try w.writeUInt16(v) } }
    mutating func u24(_ v: UInt32) { write { (w: inout ByteWriter) throws(WireError) in try w.writeUInt24(v) } }
    mutating func u32(_ v: UInt32) { write { (w: inout ByteWriter) throws(WireError) in try w.writeUInt32(v) } }
    mutating func raw(_ b: [UInt8]) { write { (w: inout ByteWriter) throws(WireError) in try w.writeBytes(b) } }

    /// Writes `body` as a vector with a `prefixBytes`-byte length.
    mutating func vector(prefixBytes: Int, _ body: (inout TLSWriter) -> Void) {
        var inner = TLSWriter()
        body(&inner)
        opaque(prefixBytes: prefixBytes, inner.bytes)
    }

    /// Writes `content` with a `prefixBytes`-byte length.
    mutating func opaque(prefixBytes: Int, _ content: [UInt8]) {
        let n = content.count
        switch prefixBytes {
        case 1:
            precondition(n <= 0xff, "TLS vector too long")
            u8(UInt8(n))
        case 2:
            precondition(n <= 0xffff, "TLS vector too long")
            u16(UInt16(n))
        default:
            precondition(n <= 0xff_ffff, "TLS vector too long")
            u24(UInt32(n))
        }
        raw(content)
    }

    private mutating func write(_ op: (inout ByteWriter) throws(WireError) -> Void) {
        do { try op(&writer) } catch {
            // A growable writer only fails on values out of range for the field, which the
            // callers above rule out.
            preconditionFailure("TLS writer: \(error)")
        }
    }
}

extension Array where Element == UInt8 {
    /// Parses `self` with a TLS reader and requires that every byte is consumed.
    func parseTLS<R>(_ body: (inout ByteReader) throws(TLSError) -> R) throws(TLSError) -> R {
        try withReader { (reader: inout ByteReader) throws(TLSError) -> R in
            let result = try body(&reader)
            try reader.tlsExpectEnd()
            return result
        }
    }
}
