/// A writer of big-endian integers, varints and byte strings, in one of two modes:
///
/// - growable (`init(capacity:)`): owns a `[UInt8]` that grows as needed; writes never fail
///   for lack of room (`bytes` returns the result);
/// - fixed (`init(into:)`): writes into a caller buffer, e.g. a datagram being assembled,
///   and throws `.bufferFull` when a write does not fit. A failed write writes nothing.
///
/// A fixed-mode writer borrows the caller's memory and must not outlive it.
@frozen
public struct ByteWriter {
    /// Growable mode: the bytes written so far (`count == storage.count`).
    @usableFromInline
    var storage: [UInt8]

    /// Fixed mode: the caller's buffer; nil in growable mode.
    @usableFromInline
    let fixed: UnsafeMutableRawBufferPointer?

    /// Number of bytes written.
    @usableFromInline
    var count: Int

    /// Creates a growable writer that owns its bytes, reserving `capacity` bytes up front.
    @inlinable
    public init(capacity: Int = 64) {
        storage = []
        storage.reserveCapacity(Swift.max(0, capacity))
        fixed = nil
        count = 0
    }

    /// Creates a writer over a fixed caller buffer, starting at its first byte. Writes that do
    /// not fit throw `.bufferFull` and write nothing.
    @inlinable
    public init(into buffer: UnsafeMutableRawBufferPointer) {
        storage = []
        fixed = buffer
        count = 0
    }

    /// The number of bytes written so far.
    @inlinable
    public var bytesWritten: Int { count }

    /// Whether this writer writes into a fixed caller buffer.
    @inlinable
    public var isFixed: Bool { fixed != nil }

    /// Free bytes left in fixed mode; `Int.max` in growable mode.
    @inlinable
    public var remainingCapacity: Int {
        guard let fixed else { return Int.max }
        return fixed.count &- count
    }

    /// The bytes written so far. Growable mode returns the owned array without copying;
    /// fixed mode returns a copy of the written prefix of the caller buffer.
    @inlinable
    public var bytes: [UInt8] {
        guard let fixed else { return storage }
        return [UInt8](UnsafeRawBufferPointer(rebasing: fixed[0..<count]))
    }

    /// Lends the written bytes for in-place changes (e.g. header protection), in either mode.
    @inlinable
    public mutating func withWrittenBytes<R, E: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        if let fixed {
            return try body(UnsafeMutableRawBufferPointer(rebasing: fixed[0..<count]))
        }
        let result: Result<R, E> = storage.withUnsafeMutableBytes { raw in
            do throws(E) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Makes room for `n` more bytes and returns the offset to write them at; throws
    /// `.bufferFull` (nothing reserved) in fixed mode when they do not fit. In growable mode
    /// the new bytes are zero until written.
    @inlinable
    mutating func reserve(_ n: Int) throws(WireError) -> Int {
        let start = count
        if let fixed {
            guard n <= fixed.count &- count else {
                throw .bufferFull(needed: n, available: fixed.count &- count)
            }
        } else {
            storage.append(contentsOf: repeatElement(0, count: n))
        }
        count &+= n
        return start
    }

    /// Writes a fixed-width integer in big-endian order.
    @inlinable
    mutating func writeBigEndian<T: FixedWidthInteger>(_ value: T) throws(WireError) {
        let big = value.bigEndian
        if let fixed {
            let size = MemoryLayout<T>.size
            guard size <= fixed.count &- count else {
                throw .bufferFull(needed: size, available: fixed.count &- count)
            }
            fixed.storeBytes(of: big, toByteOffset: count, as: T.self)
            count &+= size
        } else {
            withUnsafeBytes(of: big) { storage.append(contentsOf: $0) }
            count = storage.count
        }
    }

    // MARK: Fixed-width integers

    /// Writes one byte.
    @inlinable
    public mutating func writeUInt8(_ value: UInt8) throws(WireError) {
        if let fixed {
            guard count < fixed.count else { throw .bufferFull(needed: 1, available: 0) }
            fixed[count] = value
            count &+= 1
        } else {
            storage.append(value)
            count &+= 1
        }
    }

    /// Writes a big-endian 16-bit integer.
    @inlinable
    public mutating func writeUInt16(_ value: UInt16) throws(WireError) { try writeBigEndian(value) }

    /// Writes the low 24 bits of `value` big-endian (TLS lengths); a value above 2^24−1 is
    /// `.valueOutOfRange` and writes nothing.
    @inlinable
    public mutating func writeUInt24(_ value: UInt32) throws(WireError) {
        guard value <= 0xff_ffff else { throw .valueOutOfRange }
        let start = try reserve(3)
        try patchUInt24(value, at: start)
    }

    /// Writes a big-endian 32-bit integer.
    @inlinable
    public mutating func writeUInt32(_ value: UInt32) throws(WireError) { try writeBigEndian(value) }

    /// Writes a big-endian 64-bit integer.
    @inlinable
    public mutating func writeUInt64(_ value: UInt64) throws(WireError) { try writeBigEndian(value) }

    /// Writes a boolean as one byte, 0 or 1.
    @inlinable
    public mutating func writeBool(_ value: Bool) throws(WireError) { try writeUInt8(value ? 1 : 0) }

    // MARK: Varints (RFC 9000 §16)

    /// Writes a varint in its minimal encoded length.
    @inlinable
    public mutating func writeVarInt(_ value: VarInt) throws(WireError) {
        try writeVarInt(value, length: value.encodedLength)
    }

    /// Writes an integer as a minimal varint; a negative value or one above 2^62−1 is
    /// `.valueOutOfRange`.
    @inlinable
    public mutating func writeVarInt(_ value: some BinaryInteger) throws(WireError) {
        try writeVarInt(VarInt(value))
    }

    /// Writes a varint in exactly `length` bytes (1, 2, 4 or 8), e.g. a QUIC packet Length
    /// field reserved before the payload size is known (RFC 9000 §17.2). A value that does not
    /// fit, or another length, is `.valueOutOfRange`.
    @inlinable
    public mutating func writeVarInt(_ value: VarInt, length: Int) throws(WireError) {
        guard value.fits(inLength: length) else { throw .valueOutOfRange }
        switch length {
        case 1: try writeUInt8(UInt8(truncatingIfNeeded: value.value))
        case 2: try writeBigEndian(UInt16(truncatingIfNeeded: value.value) | 0x4000)
        case 4: try writeBigEndian(UInt32(truncatingIfNeeded: value.value) | 0x8000_0000)
        default: try writeBigEndian(value.value | 0xc000_0000_0000_0000)
        }
    }

    // MARK: Byte runs

    /// Writes raw bytes.
    @inlinable
    public mutating func writeBytes(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        if let fixed {
            guard bytes.count <= fixed.count &- count else {
                throw .bufferFull(needed: bytes.count, available: fixed.count &- count)
            }
            if let source = bytes.baseAddress, bytes.count > 0 {
                (fixed.baseAddress! + count).copyMemory(from: source, byteCount: bytes.count)
            }
            count &+= bytes.count
        } else {
            storage.append(contentsOf: bytes)
            count = storage.count
        }
    }

    /// Writes the bytes of a collection.
    @inlinable
    public mutating func writeBytes(_ bytes: some Collection<UInt8>) throws(WireError) {
        let written: Result<Void, WireError>? = bytes.withContiguousStorageIfAvailable { buffer in
            do throws(WireError) {
                try writeBytes(UnsafeRawBufferPointer(buffer))
                return .success(())
            } catch { return .failure(error) }
        }
        if let written { return try written.get() }
        let n = bytes.count
        let start = try reserve(n)
        withWrittenBytes { raw in
            var i = start
            for byte in bytes {
                raw[i] = byte
                i &+= 1
            }
        }
    }

    /// Writes `count` zero bytes (padding).
    @inlinable
    public mutating func writeZeros(_ count: Int) throws(WireError) {
        guard count >= 0 else { throw .valueOutOfRange }
        let start = try reserve(count)
        if fixed != nil {
            withWrittenBytes { raw in
                for i in start..<(start &+ count) { raw[i] = 0 }
            }
        }
    }

    // MARK: Patching already-written bytes

    /// Overwrites one already-written byte at `offset`.
    @inlinable
    public mutating func patchUInt8(_ value: UInt8, at offset: Int) throws(WireError) {
        try checkPatch(offset, 1)
        withWrittenBytes { $0[offset] = value }
    }

    /// Overwrites two already-written bytes at `offset` with a big-endian value.
    @inlinable
    public mutating func patchUInt16(_ value: UInt16, at offset: Int) throws(WireError) {
        try checkPatch(offset, 2)
        withWrittenBytes { $0.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self) }
    }

    /// Overwrites three already-written bytes at `offset` with a big-endian 24-bit value.
    @inlinable
    public mutating func patchUInt24(_ value: UInt32, at offset: Int) throws(WireError) {
        guard value <= 0xff_ffff else { throw .valueOutOfRange }
        try checkPatch(offset, 3)
        withWrittenBytes { raw in
            raw[offset] = UInt8(truncatingIfNeeded: value >> 16)
            raw[offset &+ 1] = UInt8(truncatingIfNeeded: value >> 8)
            raw[offset &+ 2] = UInt8(truncatingIfNeeded: value)
        }
    }

    /// Overwrites four already-written bytes at `offset` with a big-endian value.
    @inlinable
    public mutating func patchUInt32(_ value: UInt32, at offset: Int) throws(WireError) {
        try checkPatch(offset, 4)
        withWrittenBytes { $0.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self) }
    }

    /// Overwrites `length` already-written bytes at `offset` with a varint of exactly that
    /// length (for a QUIC Length field reserved with `writeVarInt(_:length:)`).
    @inlinable
    public mutating func patchVarInt(_ value: VarInt, length: Int, at offset: Int) throws(WireError) {
        guard value.fits(inLength: length) else { throw .valueOutOfRange }
        try checkPatch(offset, length)
        var scratch = ByteWriter(capacity: 8)
        try scratch.writeVarInt(value, length: length)
        let encoded = scratch.storage
        withWrittenBytes { raw in
            for i in 0..<length { raw[offset &+ i] = encoded[i] }
        }
    }

    /// Throws `.valueOutOfRange` unless `offset..<offset+n` lies inside the written bytes.
    @inlinable
    func checkPatch(_ offset: Int, _ n: Int) throws(WireError) {
        guard offset >= 0, n <= count, offset <= count &- n else { throw .valueOutOfRange }
    }

    // MARK: Length-prefixed fields

    /// Writes a length in the given prefix format; above `prefix.maxLength` is
    /// `.lengthExceedsLimit`. Varint prefixes are written minimally.
    @inlinable
    public mutating func writeLength(_ length: Int, _ prefix: LengthPrefix) throws(WireError) {
        guard length >= 0 else { throw .valueOutOfRange }
        guard length <= prefix.maxLength else {
            throw .lengthExceedsLimit(length: length, limit: prefix.maxLength)
        }
        switch prefix {
        case .uint8: try writeUInt8(UInt8(truncatingIfNeeded: length))
        case .uint16: try writeUInt16(UInt16(truncatingIfNeeded: length))
        case .uint24: try writeUInt24(UInt32(truncatingIfNeeded: length))
        case .uint32: try writeUInt32(UInt32(truncatingIfNeeded: length))
        case .varInt, .canonicalVarInt: try writeVarInt(VarInt(uncheckedValue: UInt64(length)))
        }
    }

    /// Writes a byte string preceded by its length. All-or-nothing.
    @inlinable
    public mutating func writeLengthPrefixedBytes(
        _ bytes: some Collection<UInt8>, _ prefix: LengthPrefix = .canonicalVarInt
    ) throws(WireError) {
        try atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeLength(bytes.count, prefix)
            try w.writeBytes(bytes)
        }
    }

    /// Writes a borrowed byte string preceded by its length. All-or-nothing.
    @inlinable
    public mutating func writeLengthPrefixedBytes(
        _ bytes: UnsafeRawBufferPointer, _ prefix: LengthPrefix = .canonicalVarInt
    ) throws(WireError) {
        try atomically { (w: inout ByteWriter) throws(WireError) in
            try w.writeLength(bytes.count, prefix)
            try w.writeBytes(bytes)
        }
    }

    /// Writes a UTF-8 string preceded by its byte length. All-or-nothing.
    @inlinable
    public mutating func writeString(
        _ string: String, _ prefix: LengthPrefix = .canonicalVarInt
    ) throws(WireError) {
        try writeLengthPrefixedBytes(string.utf8, prefix)
    }

    /// Writes whatever `body` writes, preceded by its length in the given prefix format, when
    /// the length is not known in advance (TLS handshake bodies, extensions). The body may
    /// write at most `maxLength` bytes (`.lengthExceedsLimit` otherwise). Varint prefixes come
    /// out minimal. All-or-nothing.
    @inlinable
    public mutating func writeLengthPrefixed(
        _ prefix: LengthPrefix = .canonicalVarInt, maxLength: Int,
        _ body: (inout ByteWriter) throws(WireError) -> Void
    ) throws(WireError) {
        let limit = Swift.min(maxLength, prefix.maxLength)
        guard limit >= 0 else { throw .valueOutOfRange }
        try atomically { (w: inout ByteWriter) throws(WireError) in
            let reserved: Int
            switch prefix {
            case .uint8: reserved = 1
            case .uint16: reserved = 2
            case .uint24: reserved = 3
            case .uint32: reserved = 4
            case .varInt, .canonicalVarInt: reserved = VarInt.encodedLength(of: UInt64(limit))
            }
            let prefixAt = try w.reserve(reserved)
            try body(&w)
            let length = w.count &- prefixAt &- reserved
            guard length <= limit else { throw .lengthExceedsLimit(length: length, limit: limit) }
            switch prefix {
            case .uint8: try w.patchUInt8(UInt8(truncatingIfNeeded: length), at: prefixAt)
            case .uint16: try w.patchUInt16(UInt16(truncatingIfNeeded: length), at: prefixAt)
            case .uint24: try w.patchUInt24(UInt32(truncatingIfNeeded: length), at: prefixAt)
            case .uint32: try w.patchUInt32(UInt32(truncatingIfNeeded: length), at: prefixAt)
            case .varInt, .canonicalVarInt:
                let value = VarInt(uncheckedValue: UInt64(length))
                let minimal = value.encodedLength
                try w.patchVarInt(value, length: minimal, at: prefixAt)
                if minimal < reserved {
                    // Slide the body down over the unused prefix bytes so the prefix is minimal.
                    w.removeBytes(in: (prefixAt &+ minimal)..<(prefixAt &+ reserved))
                }
            }
        }
    }

    /// Removes already-written bytes in `range`, shifting later bytes down.
    @inlinable
    mutating func removeBytes(in range: Range<Int>) {
        if let fixed {
            let tail = count &- range.upperBound
            if tail > 0 {
                (fixed.baseAddress! + range.lowerBound).copyMemory(
                    from: fixed.baseAddress! + range.upperBound, byteCount: tail)
            }
        } else {
            storage.removeSubrange(range)
        }
        count &-= range.count
    }

    /// Runs `body` and, if it throws, truncates back to the bytes written before it, so a
    /// composite write is all-or-nothing.
    @inlinable
    public mutating func atomically(_ body: (inout ByteWriter) throws(WireError) -> Void) throws(WireError) {
        let saved = count
        do {
            try body(&self)
        } catch {
            truncate(to: saved)
            throw error
        }
    }

    /// Discards bytes written after `length` (a no-op if fewer were written).
    @inlinable
    public mutating func truncate(to length: Int) {
        guard length >= 0, length < count else { return }
        if fixed == nil { storage.removeSubrange(length..<storage.count) }
        count = length
    }
}

/// A fixed-mode writer borrows memory, so it must not cross concurrency domains.
@available(*, unavailable)
extension ByteWriter: Sendable {}
