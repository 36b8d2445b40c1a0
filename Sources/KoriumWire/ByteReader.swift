/// A bounds-checked reader over borrowed bytes.
///
/// A reader is lent to a closure (`[UInt8].withReader { reader in ... }`) and must not outlive
/// the memory it reads; never store one. Every read is all-or-nothing: it either consumes
/// exactly the bytes it returns or throws a `WireError` and leaves `offset` unchanged.
/// Integers are big-endian (network byte order). A copy of a reader is an independent cursor,
/// so `let saved = reader` ... `reader = saved` rewinds.
@frozen
public struct ByteReader {
    /// The bytes being read; never nil-based when non-empty.
    @usableFromInline
    let base: UnsafeRawBufferPointer

    /// The index of the next unread byte, `0...base.count`.
    @usableFromInline
    var position: Int

    /// Creates a reader over `bytes`, starting at offset 0. The memory must stay valid and
    /// unchanged while the reader is used.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.base = bytes
        self.position = 0
    }

    /// The number of bytes already consumed, from the start of this reader.
    @inlinable
    public var offset: Int { position }

    /// The total number of bytes this reader covers.
    @inlinable
    public var count: Int { base.count }

    /// The number of bytes not yet read.
    @inlinable
    public var remaining: Int { base.count &- position }

    /// Whether every byte has been read.
    @inlinable
    public var isAtEnd: Bool { position == base.count }

    /// All bytes this reader covers (read and unread), borrowed.
    @inlinable
    public var allBytes: UnsafeRawBufferPointer { base }

    /// The bytes already read, borrowed (e.g. a packet header used as AEAD associated data).
    @inlinable
    public var consumedBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: base[0..<position])
    }

    /// The bytes not yet read, borrowed; does not consume them.
    @inlinable
    public var remainingBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: base[position..<base.count])
    }

    /// Throws `.truncated` unless `n` more bytes are available; `n` must be non-negative.
    @inlinable
    func require(_ n: Int) throws(WireError) {
        guard n >= 0 else { throw .valueOutOfRange }
        guard n <= remaining else { throw .truncated(needed: n, available: remaining) }
    }

    /// Loads a big-endian fixed-width integer after the caller checked the bounds.
    @inlinable
    mutating func loadBigEndian<T: FixedWidthInteger>(_: T.Type) -> T {
        let raw = base.loadUnaligned(fromByteOffset: position, as: T.self)
        position &+= MemoryLayout<T>.size
        return T(bigEndian: raw)
    }

    // MARK: Fixed-width integers (big-endian)

    /// Reads one byte.
    @inlinable
    public mutating func readUInt8() throws(WireError) -> UInt8 {
        guard position < base.count else { throw .truncated(needed: 1, available: 0) }
        let byte = base[position]
        position &+= 1
        return byte
    }

    /// Reads a big-endian 16-bit integer.
    @inlinable
    public mutating func readUInt16() throws(WireError) -> UInt16 {
        try require(2)
        return loadBigEndian(UInt16.self)
    }

    /// Reads a big-endian 24-bit integer (TLS lengths, RFC 8446 §3.3) into a `UInt32`.
    @inlinable
    public mutating func readUInt24() throws(WireError) -> UInt32 {
        try require(3)
        let high = UInt32(base[position]) << 16
        let low = UInt32(base.loadUnaligned(fromByteOffset: position &+ 1, as: UInt16.self).bigEndian)
        position &+= 3
        return high | low
    }

    /// Reads a big-endian 32-bit integer.
    @inlinable
    public mutating func readUInt32() throws(WireError) -> UInt32 {
        try require(4)
        return loadBigEndian(UInt32.self)
    }

    /// Reads a big-endian 64-bit integer.
    @inlinable
    public mutating func readUInt64() throws(WireError) -> UInt64 {
        try require(8)
        return loadBigEndian(UInt64.self)
    }

    /// Returns the next byte without consuming it.
    @inlinable
    public func peekUInt8() throws(WireError) -> UInt8 {
        guard position < base.count else { throw .truncated(needed: 1, available: 0) }
        return base[position]
    }

    /// Reads one byte that must be 0 (false) or 1 (true); any other value is
    /// `.valueOutOfRange`.
    @inlinable
    public mutating func readBool() throws(WireError) -> Bool {
        let byte = try peekUInt8()
        guard byte <= 1 else { throw .valueOutOfRange }
        position &+= 1
        return byte == 1
    }

    // MARK: Varints (RFC 9000 §16)

    /// Reads a QUIC varint of any encoded length (RFC 9000 §16: values need not use the
    /// minimal number of bytes, except where a field says so).
    @inlinable
    public mutating func readVarInt() throws(WireError) -> VarInt {
        try readVarIntCheckingMinimality().value
    }

    /// Reads a QUIC varint and reports whether it used the minimal encoded length.
    @inlinable
    public mutating func readVarIntCheckingMinimality() throws(WireError) -> (value: VarInt, isMinimal: Bool) {
        let first = try peekUInt8()
        let length = VarInt.encodedLength(firstByte: first)
        guard length <= remaining else { throw .truncated(needed: length, available: remaining) }
        let value: UInt64
        switch length {
        case 1:
            value = UInt64(first)
            position &+= 1
        case 2:
            value = UInt64(loadBigEndian(UInt16.self) & 0x3fff)
        case 4:
            value = UInt64(loadBigEndian(UInt32.self) & 0x3fff_ffff)
        default:
            value = loadBigEndian(UInt64.self) & VarInt.maxValue
        }
        return (VarInt(uncheckedValue: value), VarInt.encodedLength(of: value) == length)
    }

    /// Reads a QUIC varint that must use its minimal encoded length, e.g. a frame type
    /// (RFC 9000 §12.4); otherwise throws `.nonMinimalEncoding` and consumes nothing.
    @inlinable
    public mutating func readMinimalVarInt() throws(WireError) -> VarInt {
        let saved = position
        let (value, isMinimal) = try readVarIntCheckingMinimality()
        guard isMinimal else {
            position = saved
            throw .nonMinimalEncoding
        }
        return value
    }

    // MARK: Byte runs

    /// Consumes `n` bytes and returns them borrowed (valid as long as the reader's memory).
    @inlinable
    public mutating func readBytes(_ n: Int) throws(WireError) -> UnsafeRawBufferPointer {
        try require(n)
        let slice = UnsafeRawBufferPointer(rebasing: base[position..<(position &+ n)])
        position &+= n
        return slice
    }

    /// Consumes `n` bytes and returns a copy. The only read that allocates.
    @inlinable
    public mutating func readArray(_ n: Int) throws(WireError) -> [UInt8] {
        try [UInt8](readBytes(n))
    }

    /// Consumes `n` bytes and returns a reader over just them, for a length-prefixed field:
    /// the sub-reader cannot read past the field, and its offsets start at 0.
    @inlinable
    public mutating func readSubReader(_ n: Int) throws(WireError) -> ByteReader {
        try ByteReader(readBytes(n))
    }

    /// Consumes and returns every unread byte, borrowed.
    @inlinable
    public mutating func readRemainingBytes() -> UnsafeRawBufferPointer {
        let rest = remainingBytes
        position = base.count
        return rest
    }

    /// Skips `n` bytes.
    @inlinable
    public mutating func skip(_ n: Int) throws(WireError) {
        try require(n)
        position &+= n
    }

    /// Throws `.trailingBytes` unless every byte has been read.
    @inlinable
    public func expectEnd() throws(WireError) {
        guard isAtEnd else { throw .trailingBytes(count: remaining) }
    }

    // MARK: Lengths and length-prefixed fields

    /// Reads a length in the given prefix format and checks it against `maxLength`
    /// (`.lengthExceedsLimit` otherwise). All-or-nothing.
    @inlinable
    public mutating func readLength(_ prefix: LengthPrefix, maxLength: Int) throws(WireError) -> Int {
        let saved = position
        let length: Int
        switch prefix {
        case .uint8: length = Int(try readUInt8())
        case .uint16: length = Int(try readUInt16())
        case .uint24: length = Int(try readUInt24())
        case .uint32: length = Int(try readUInt32())
        case .varInt: length = try readVarInt().intValue
        case .canonicalVarInt: length = try readMinimalVarInt().intValue
        }
        guard length <= maxLength else {
            position = saved
            throw .lengthExceedsLimit(length: length, limit: maxLength)
        }
        return length
    }

    /// Reads a length-prefixed byte string (borrowed). The length must be ≤ `maxLength` and
    /// the bytes must be present; otherwise nothing is consumed.
    @inlinable
    public mutating func readLengthPrefixedBytes(
        _ prefix: LengthPrefix = .canonicalVarInt, maxLength: Int
    ) throws(WireError) -> UnsafeRawBufferPointer {
        let saved = position
        let length = try readLength(prefix, maxLength: maxLength)
        guard length <= remaining else {
            let available = remaining
            position = saved
            throw .truncated(needed: length, available: available)
        }
        return try readBytes(length)
    }

    /// Reads a length-prefixed byte string and returns a copy.
    @inlinable
    public mutating func readLengthPrefixedArray(
        _ prefix: LengthPrefix = .canonicalVarInt, maxLength: Int
    ) throws(WireError) -> [UInt8] {
        try [UInt8](readLengthPrefixedBytes(prefix, maxLength: maxLength))
    }

    /// Reads a length-prefixed field and returns a sub-reader over its contents.
    @inlinable
    public mutating func readLengthPrefixedReader(
        _ prefix: LengthPrefix = .canonicalVarInt, maxLength: Int
    ) throws(WireError) -> ByteReader {
        try ByteReader(readLengthPrefixedBytes(prefix, maxLength: maxLength))
    }

    /// Reads a length-prefixed UTF-8 string of at most `maxLength` bytes; invalid UTF-8 is
    /// `.invalid("utf8")` and consumes nothing.
    @inlinable
    public mutating func readString(
        _ prefix: LengthPrefix = .canonicalVarInt, maxLength: Int
    ) throws(WireError) -> String {
        let saved = position
        let bytes = try readLengthPrefixedBytes(prefix, maxLength: maxLength)
        guard let string = String(validating: bytes, as: UTF8.self) else {
            position = saved
            throw .invalid("utf8")
        }
        return string
    }

    /// Runs `body` on this reader and rewinds to the starting offset if it throws, so that a
    /// composite read is all-or-nothing too.
    @inlinable
    public mutating func atomically<R>(_ body: (inout ByteReader) throws(WireError) -> R) throws(WireError) -> R {
        let saved = position
        do {
            return try body(&self)
        } catch {
            position = saved
            throw error
        }
    }
}

/// A reader borrows memory, so it must not cross concurrency domains.
@available(*, unavailable)
extension ByteReader: Sendable {}
