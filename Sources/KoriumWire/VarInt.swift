/// A QUIC variable-length integer (RFC 9000 §16): a value in 0...2^62−1.
///
/// The range is checked at construction, so encoding a `VarInt` can never fail or trap.
/// Encoding always uses the minimal length; decoding (`ByteReader.readVarInt()`) accepts any
/// length, as RFC 9000 §16 allows, and `ByteReader.readVarIntCheckingMinimality()` reports
/// whether the input was minimal.
public struct VarInt: Hashable, Comparable, Sendable {
    /// The integer value, always ≤ `VarInt.maxValue`.
    public let value: UInt64

    /// The largest value a varint can hold: 2^62−1 (RFC 9000 §16, Table 4).
    public static let maxValue: UInt64 = (1 << 62) - 1

    /// The largest varint, 2^62−1.
    public static let max = VarInt(uncheckedValue: maxValue)

    /// The varint zero.
    public static let zero = VarInt(uncheckedValue: 0)

    /// Creates a varint from any integer, throwing `.valueOutOfRange` if it is negative or
    /// above 2^62−1.
    @inlinable
    public init(_ value: some BinaryInteger) throws(WireError) {
        guard let v = UInt64(exactly: value), v <= VarInt.maxValue else {
            throw .valueOutOfRange
        }
        self.value = v
    }

    /// Creates a varint from the low 62 bits of `value`, discarding the top two bits.
    @inlinable
    public init(truncating value: UInt64) {
        self.value = value & VarInt.maxValue
    }

    /// Creates a varint from a value that always fits (a `UInt32` is at most 2^32−1).
    @inlinable
    public init(_ value: UInt32) {
        self.value = UInt64(value)
    }

    /// Internal: the caller has already proven `value <= maxValue`.
    @inlinable
    init(uncheckedValue value: UInt64) {
        self.value = value
    }

    /// The value as an `Int` (always exact: 2^62−1 fits in a 64-bit `Int`).
    @inlinable
    public var intValue: Int { Int(truncatingIfNeeded: value) }

    /// The number of bytes of the minimal encoding: 1, 2, 4 or 8 (RFC 9000 §16, Table 4).
    @inlinable
    public var encodedLength: Int { VarInt.encodedLength(of: value) }

    /// The minimal encoded length of a value known to be ≤ 2^62−1.
    @inlinable
    static func encodedLength(of value: UInt64) -> Int {
        if value < 1 << 6 { return 1 }
        if value < 1 << 14 { return 2 }
        if value < 1 << 30 { return 4 }
        return 8
    }

    /// The total encoded length announced by the two most significant bits of a varint's first
    /// byte: 1, 2, 4 or 8 (RFC 9000 §16).
    @inlinable
    public static func encodedLength(firstByte: UInt8) -> Int {
        1 << Int(firstByte >> 6)
    }

    /// Whether `value` can be encoded in `length` bytes (`length` one of 1, 2, 4, 8).
    @inlinable
    public func fits(inLength length: Int) -> Bool {
        switch length {
        case 1: return value < 1 << 6
        case 2: return value < 1 << 14
        case 4: return value < 1 << 30
        case 8: return true
        default: return false
        }
    }

    /// Orders varints by value.
    @inlinable
    public static func < (lhs: VarInt, rhs: VarInt) -> Bool { lhs.value < rhs.value }
}

extension VarInt: ExpressibleByIntegerLiteral {
    /// Creates a varint from a literal in the source code. A literal above 2^62−1 is a
    /// programmer error and stops the program; values from the network use `init(_:)`.
    @inlinable
    public init(integerLiteral value: UInt64) {
        precondition(value <= VarInt.maxValue, "varint literal above 2^62-1")
        self.value = value
    }
}

extension VarInt: CustomStringConvertible {
    /// The decimal value.
    public var description: String { String(value) }
}
