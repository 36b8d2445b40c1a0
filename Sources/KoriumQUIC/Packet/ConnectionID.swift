import KoriumWire

/// A QUIC connection ID of 0...20 bytes (RFC 9000 §5.1, §17.2), stored inline so that parsing
/// a header never allocates.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    /// RFC 9000 §17.2: in QUIC v1 a connection ID is at most 20 bytes.
    public static let maxLength = 20

    /// RFC 8999 §5.1: version-independent long headers allow up to 255 bytes; a v1 endpoint
    /// only needs the bytes when it answers with Version Negotiation, which echoes them.
    @usableFromInline
    var storage: (UInt64, UInt64, UInt32) = (0, 0, 0)

    /// Number of bytes, 0...20.
    @usableFromInline
    var length: UInt8 = 0

    /// Number of bytes, 0...20.
    @inlinable
    public var count: Int { Int(length) }

    /// The empty connection ID.
    public static let empty = ConnectionID()

    /// The empty connection ID.
    @inlinable
    public init() {}

    /// Copies `bytes`; more than 20 bytes is `.lengthExceedsLimit`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        guard bytes.count <= Self.maxLength else {
            throw .lengthExceedsLimit(length: bytes.count, limit: Self.maxLength)
        }
        length = UInt8(bytes.count)
        if let source = bytes.baseAddress, bytes.count > 0 {
            withUnsafeMutableBytes(of: &storage) { raw in
                raw.baseAddress!.copyMemory(from: source, byteCount: bytes.count)
            }
        }
    }

    /// Copies `bytes`; more than 20 bytes is `.lengthExceedsLimit`.
    @inlinable
    public init(_ bytes: [UInt8]) throws(WireError) {
        let result: Result<ConnectionID, WireError> = bytes.withUnsafeBytes { raw in
            do throws(WireError) { return .success(try ConnectionID(raw)) } catch { return .failure(error) }
        }
        self = try result.get()
    }

    /// Reads a 1-byte length followed by that many bytes (RFC 9000 §17.2), all-or-nothing.
    @inlinable
    public init(lengthPrefixedFrom reader: inout ByteReader) throws(WireError) {
        self = try reader.atomically { (r: inout ByteReader) throws(WireError) in
            let length = Int(try r.readUInt8())
            guard length <= Self.maxLength else {
                throw .lengthExceedsLimit(length: length, limit: Self.maxLength)
            }
            return try ConnectionID(r.readBytes(length))
        }
    }

    /// Lends the bytes to `body`.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: storage) { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[0..<count]))
        }
    }

    /// A copy of the bytes.
    public var bytes: [UInt8] { withUnsafeBytes { [UInt8]($0) } }

    /// Writes the bytes without a length prefix.
    @inlinable
    public func write(to writer: inout ByteWriter) throws(WireError) {
        let result: Result<Void, WireError> = withUnsafeBytes { raw in
            do throws(WireError) { return .success(try writer.writeBytes(raw)) } catch { return .failure(error) }
        }
        try result.get()
    }

    /// Writes a 1-byte length and the bytes (long header form, RFC 9000 §17.2).
    @inlinable
    public func writeLengthPrefixed(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeUInt8(UInt8(count))
            try write(to: &w)
        }
    }

    /// Lower-case hex.
    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xf)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Byte-wise equality (unused storage is always zero).
    @inlinable
    public static func == (lhs: ConnectionID, rhs: ConnectionID) -> Bool {
        lhs.length == rhs.length && lhs.storage.0 == rhs.storage.0 && lhs.storage.1 == rhs.storage.1
            && lhs.storage.2 == rhs.storage.2
    }

    /// Hashes length and bytes.
    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(length)
        hasher.combine(storage.0)
        hasher.combine(storage.1)
        hasher.combine(storage.2)
    }
}
