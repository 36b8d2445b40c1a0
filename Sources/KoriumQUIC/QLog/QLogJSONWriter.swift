/// A small JSON writer for qlog records: appends UTF-8 to a byte buffer, escapes strings by
/// hand (RFC 8259 §7), writes integers and fixed-point milliseconds without `Double`
/// formatting, and places commas itself. No Foundation; nothing allocated beyond the buffer's
/// growth. Nesting deeper than 64 levels is a programming error (qlog records nest ≤ 4).
public struct QLogJSONWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]
    /// Bit `d` set: the container at depth `d` already holds an element (a comma comes next).
    private var hasElement: UInt64 = 0
    private var depth = 0
    /// A key was just written: the next value needs no comma.
    private var afterKey = false

    /// A writer appending to `bytes`.
    public init(bytes: [UInt8] = []) { self.bytes = bytes }

    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard depth > 0 else { return }
        let bit: UInt64 = 1 << UInt64(depth - 1)
        if hasElement & bit != 0 { bytes.append(UInt8(ascii: ",")) }
        hasElement |= bit
    }

    private mutating func open(_ c: Unicode.Scalar) {
        separate()
        precondition(depth < 64, "QLogJSONWriter nesting deeper than 64")
        bytes.append(UInt8(ascii: c))
        depth += 1
        hasElement &= ~(1 << UInt64(depth - 1))
    }

    private mutating func close(_ c: Unicode.Scalar) {
        precondition(depth > 0 && !afterKey, "QLogJSONWriter: unbalanced close")
        depth -= 1
        bytes.append(UInt8(ascii: c))
    }

    /// `{`.
    public mutating func beginObject() { open("{") }
    /// `}`.
    public mutating func endObject() { close("}") }
    /// `[`.
    public mutating func beginArray() { open("[") }
    /// `]`.
    public mutating func endArray() { close("]") }

    /// An object key; the next call writes its value.
    public mutating func key(_ name: String) {
        separate()
        writeQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// A string value.
    public mutating func string(_ value: String) {
        separate()
        writeQuoted(value)
    }

    /// A lowercase hex string value.
    public mutating func hex(_ value: UnsafeRawBufferPointer) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        let digits: StaticString = "0123456789abcdef"
        for b in value {
            bytes.append(digits.utf8Start[Int(b >> 4)])
            bytes.append(digits.utf8Start[Int(b & 0xF)])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// An unsigned integer value.
    public mutating func integer(_ value: UInt64) {
        separate()
        writeDigits(value)
    }

    /// A signed integer value.
    public mutating func integer(_ value: Int) {
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        writeDigits(value.magnitude.asUInt64)
    }

    /// `true` or `false`.
    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    /// `nanoseconds` as milliseconds with six decimals (`12.345678`), negative values as 0.
    public mutating func milliseconds(nanoseconds: Int64) {
        separate()
        let ns = UInt64(max(nanoseconds, 0))
        writeDigits(ns / 1_000_000)
        bytes.append(UInt8(ascii: "."))
        let fraction = ns % 1_000_000
        var scale: UInt64 = 100_000
        while scale > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8((fraction / scale) % 10))
            scale /= 10
        }
    }

    /// `key: value` conveniences.
    public mutating func field(_ name: String, _ value: String) { key(name); string(value) }
    /// `key: integer`.
    public mutating func field(_ name: String, _ value: UInt64) { key(name); integer(value) }
    /// `key: integer`.
    public mutating func field(_ name: String, _ value: Int) { key(name); integer(value) }
    /// `key: bool`.
    public mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }

    private mutating func writeDigits(_ value: UInt64) {
        var v = value
        var divisor: UInt64 = 1
        while v / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(v / divisor))
            v %= divisor
            divisor /= 10
        }
    }

    // RFC 8259 §7: quotation mark, reverse solidus and the control characters U+0000–U+001F
    // must be escaped; everything else may pass as UTF-8 (Swift strings are valid UTF-8).
    private mutating func writeQuoted(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case 0x0A: bytes.append(contentsOf: "\\n".utf8)
            case 0x0D: bytes.append(contentsOf: "\\r".utf8)
            case 0x09: bytes.append(contentsOf: "\\t".utf8)
            case 0x00..<0x20:
                let digits: StaticString = "0123456789abcdef"
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(digits.utf8Start[Int(b >> 4)])
                bytes.append(digits.utf8Start[Int(b & 0xF)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension UInt {
    fileprivate var asUInt64: UInt64 { UInt64(self) }
}
