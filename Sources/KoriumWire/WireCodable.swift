/// A value with a binary encoding in the project's codec: fixed-width integers big-endian,
/// byte strings and arrays prefixed by a canonical (minimal) varint length or count, and a
/// cap on every length. Encoding is deterministic: a value has exactly one encoding.
public protocol WireEncodable {
    /// Appends this value's encoding to `writer`.
    func encode(to writer: inout ByteWriter) throws(WireError)
}

/// A value that can be decoded from the project's codec.
///
/// Decoders must be total: any input either decodes or throws a `WireError`; they must bound
/// every length and count they read (`readLengthPrefixedBytes(maxLength:)`,
/// `readArray(of:maxCount:)`).
public protocol WireDecodable {
    /// Decodes a value from the front of `reader`, consuming exactly its encoding.
    init(from reader: inout ByteReader) throws(WireError)
}

/// A value that can be both encoded and decoded with the project's codec.
public typealias WireCodable = WireEncodable & WireDecodable

extension WireEncodable {
    /// This value's encoding as a new array.
    @inlinable
    public func wireBytes() throws(WireError) -> [UInt8] {
        var writer = ByteWriter(capacity: 64)
        try encode(to: &writer)
        return writer.bytes
    }
}

extension WireDecodable {
    /// Decodes a value that must span all of `bytes`; leftover bytes are `.trailingBytes`.
    @inlinable
    public init(wireBytes bytes: UnsafeRawBufferPointer) throws(WireError) {
        var reader = ByteReader(bytes)
        self = try Self(from: &reader)
        try reader.expectEnd()
    }

    /// Decodes a value that must span all of `bytes`; leftover bytes are `.trailingBytes`.
    @inlinable
    public init(wireBytes bytes: [UInt8]) throws(WireError) {
        self = try bytes.withReader { (reader: inout ByteReader) throws(WireError) in
            let value = try Self(from: &reader)
            try reader.expectEnd()
            return value
        }
    }
}

extension ByteReader {
    /// Decodes one codec value; all-or-nothing.
    @inlinable
    public mutating func read<T: WireDecodable>(_: T.Type = T.self) throws(WireError) -> T {
        try atomically { (reader: inout ByteReader) throws(WireError) in try T(from: &reader) }
    }

    /// Decodes a canonical-varint count (at most `maxCount`) followed by that many values;
    /// all-or-nothing.
    @inlinable
    public mutating func readArray<T: WireDecodable>(of _: T.Type, maxCount: Int) throws(WireError) -> [T] {
        try atomically { (reader: inout ByteReader) throws(WireError) in
            let n = try reader.readLength(.canonicalVarInt, maxLength: maxCount)
            var values: [T] = []
            // A hostile count cannot force a large allocation: reserve no more than the bytes
            // left could possibly hold (each element is at least one byte, or very cheap).
            values.reserveCapacity(Swift.min(n, reader.remaining))
            for _ in 0..<n { values.append(try T(from: &reader)) }
            return values
        }
    }
}

extension ByteWriter {
    /// Encodes one codec value; all-or-nothing.
    @inlinable
    public mutating func write(_ value: some WireEncodable) throws(WireError) {
        try atomically { (writer: inout ByteWriter) throws(WireError) in try value.encode(to: &writer) }
    }

    /// Encodes a canonical-varint count followed by each element; all-or-nothing. The count
    /// must be at most `maxCount` (`.lengthExceedsLimit`), the same cap the decoder applies.
    @inlinable
    public mutating func writeArray<C: Collection>(_ values: C, maxCount: Int) throws(WireError)
    where C.Element: WireEncodable {
        let n = values.count
        guard n <= maxCount else { throw .lengthExceedsLimit(length: n, limit: maxCount) }
        try atomically { (writer: inout ByteWriter) throws(WireError) in
            try writer.writeLength(n, .canonicalVarInt)
            for value in values { try value.encode(to: &writer) }
        }
    }
}

// MARK: Standard conformances

extension UInt8: WireEncodable, WireDecodable {
    /// One byte.
    @inlinable
    public func encode(to writer: inout ByteWriter) throws(WireError) { try writer.writeUInt8(self) }
    /// One byte.
    @inlinable
    public init(from reader: inout ByteReader) throws(WireError) { self = try reader.readUInt8() }
}

extension UInt16: WireEncodable, WireDecodable {
    /// Two bytes, big-endian.
    @inlinable
    public func encode(to writer: inout ByteWriter) throws(WireError) { try writer.writeUInt16(self) }
    /// Two bytes, big-endian.
    @inlinable
    public init(from reader: inout ByteReader) throws(WireError) { self = try reader.readUInt16() }
}

extension UInt32: WireEncodable, WireDecodable {
    /// Four bytes, big-endian.
    @inlinable
    public func encode(to writer: inout ByteWriter) throws(WireError) { try writer.writeUInt32(self) }
    /// Four bytes, big-endian.
    @inlinable
    public init(from reader: inout ByteReader) throws(WireError) { self = try reader.readUInt32() }
}

extension UInt64: WireEncodable, WireDecodable {
    /// Eight bytes, big-endian.
    @inlinable
    public func encode(to writer: inout ByteWriter) throws(WireError) { try writer.writeUInt64(self) }
    /// Eight bytes, big-endian.
    @inlinable
    public init(from reader: inout ByteReader) throws(WireError) { self = try reader.readUInt64() }
}

extension Bool: WireEncodable, WireDecodable {
    /// One byte, 0 or 1.
    @inlinable
    public func encode(to writer: inout ByteWriter) throws(WireError) { try writer.writeBool(self) }
    /// One byte that must be 0 or 1 (`.valueOutOfRange` otherwise).
    @inlinable
    public init(from reader: inout ByteReader) throws(WireError) { self = try reader.readBool() }
}

extension VarInt: WireEncodable, WireDecodable {
    /// The minimal varint encoding.
    @inlinable
    public func encode(to writer: inout ByteWriter) throws(WireError) { try writer.writeVarInt(self) }
    /// A varint that must be minimal (`.nonMinimalEncoding` otherwise): in the codec every
    /// value has one encoding.
    @inlinable
    public init(from reader: inout ByteReader) throws(WireError) { self = try reader.readMinimalVarInt() }
}
