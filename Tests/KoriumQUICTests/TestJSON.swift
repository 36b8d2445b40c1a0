/// A minimal JSON parser (RFC 8259) for checking qlog output in tests: objects, arrays,
/// strings with every escape, numbers, true/false/null. Depth-capped; throws on anything else.
enum JSONValue: Equatable {
    case object([String: JSONValue]), array([JSONValue]), string(String), number(Double), bool(Bool), null

    struct ParseError: Error { var offset: Int; var reason: String }

    static func parse(_ bytes: ArraySlice<UInt8>) throws -> JSONValue {
        var p = Parser(bytes: Array(bytes))
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        guard p.i == p.bytes.count else { throw ParseError(offset: p.i, reason: "trailing bytes") }
        return v
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var number: Double? { if case .number(let n) = self { return n }; return nil }
    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    var object: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        mutating func expect(_ c: UInt8) throws {
            guard i < bytes.count, bytes[i] == c else { throw ParseError(offset: i, reason: "expected \(Character(Unicode.Scalar(c)))") }
            i += 1
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < 32 else { throw ParseError(offset: i, reason: "too deep") }
            guard i < bytes.count else { throw ParseError(offset: i, reason: "end of input") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var o: [String: JSONValue] = [:]
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                while true {
                    skipSpace()
                    let k = try string()
                    guard o[k] == nil else { throw ParseError(offset: i, reason: "duplicate key \(k)") }
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    skipSpace()
                    o[k] = try value(depth: depth + 1)
                    skipSpace()
                    if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    try expect(UInt8(ascii: "}"))
                    return .object(o)
                }
            case UInt8(ascii: "["):
                i += 1
                var a: [JSONValue] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                while true {
                    skipSpace()
                    a.append(try value(depth: depth + 1))
                    skipSpace()
                    if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    try expect(UInt8(ascii: "]"))
                    return .array(a)
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return .number(try number())
            }
        }

        mutating func literal(_ word: String) throws {
            for c in word.utf8 { try expect(c) }
        }

        mutating func number() throws -> Double {
            let start = i
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            let intStart = i
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
            guard i > intStart else { throw ParseError(offset: i, reason: "digit expected") }
            // RFC 8259 §6: no leading zeros.
            guard !(bytes[intStart] == 0x30 && i - intStart > 1) else { throw ParseError(offset: i, reason: "leading zero") }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                let f = i
                while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
                guard i > f else { throw ParseError(offset: i, reason: "fraction digit expected") }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                let e = i
                while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
                guard i > e else { throw ParseError(offset: i, reason: "exponent digit expected") }
            }
            guard let d = Double(String(decoding: bytes[start..<i], as: UTF8.self)) else {
                throw ParseError(offset: start, reason: "bad number")
            }
            return d
        }

        mutating func string() throws -> String {
            try expect(UInt8(ascii: "\""))
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() { scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars); raw.removeAll() }
            while true {
                guard i < bytes.count else { throw ParseError(offset: i, reason: "unterminated string") }
                let c = bytes[i]
                i += 1
                switch c {
                case UInt8(ascii: "\""):
                    flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    guard i < bytes.count else { throw ParseError(offset: i, reason: "bad escape") }
                    let e = bytes[i]
                    i += 1
                    flush()
                    switch e {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16),
                              let s = Unicode.Scalar(v) else { throw ParseError(offset: i, reason: "bad \\u escape") }
                        i += 4
                        scalars.append(s)
                    default: throw ParseError(offset: i, reason: "bad escape")
                    }
                case 0x00..<0x20: throw ParseError(offset: i, reason: "raw control character in string")
                default: raw.append(c)
                }
            }
        }
    }
}

/// Splits JSON-SEQ text (RFC 7464) into records: each starts with 0x1E and ends with 0x0A.
func jsonSeqRecords(_ bytes: [UInt8]) throws -> [JSONValue] {
    guard bytes.first == 0x1E else { throw JSONValue.ParseError(offset: 0, reason: "no record separator") }
    return try bytes.split(separator: 0x1E).map { record in
        guard record.last == 0x0A else { throw JSONValue.ParseError(offset: 0, reason: "record not ended by LF") }
        return try JSONValue.parse(record.dropLast())
    }
}
