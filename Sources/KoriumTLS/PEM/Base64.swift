/// Base64 (RFC 4648 §4) for PEM bodies: the standard alphabet with `=` padding. Decoding skips
/// the whitespace PEM puts between lines (RFC 7468 §3) and is otherwise strict: padding only at
/// the end, a length that is a multiple of 4, and zero unused bits (the canonical encoding,
/// RFC 4648 §3.5), so every accepted body re-encodes to itself.
enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The 6-bit value of an alphabet character; 0xff for anything else.
    static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    @inline(__always)
    static func isWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d }

    /// Encodes `bytes` without line breaks.
    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int((v >> UInt32(shift)) & 0x3f)]) }
            i += 3
        }
        switch bytes.count - i {
        case 1:
            let v = UInt32(bytes[i]) << 16
            out += [alphabet[Int(v >> 18)], alphabet[Int((v >> 12) & 0x3f)], UInt8(ascii: "="), UInt8(ascii: "=")]
        case 2:
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(v >> 18)], alphabet[Int((v >> 12) & 0x3f)], alphabet[Int((v >> 6) & 0x3f)], UInt8(ascii: "=")]
        default:
            break
        }
        return out
    }

    /// Decodes `text`, ignoring whitespace; the error carries the offending offset.
    static func decode(_ text: ArraySlice<UInt8>) throws(PEMError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var quantum: UInt32 = 0
        var digits = 0       // characters in the current 4-character group
        var padding = 0      // '=' seen
        let start = text.startIndex
        for index in text.indices {
            let c = text[index]
            if isWhitespace(c) { continue }
            if c == UInt8(ascii: "=") {
                // Padding may only complete the final group: after 2 or 3 digits.
                guard digits + padding >= 2, digits + padding < 4 else { throw .invalidBase64(offset: index - start) }
                padding += 1
                continue
            }
            let v = values[Int(c)]
            guard v != 0xff, padding == 0 else { throw .invalidBase64(offset: index - start) }
            quantum = quantum << 6 | UInt32(v)
            digits += 1
            if digits == 4 {
                out.append(UInt8(truncatingIfNeeded: quantum >> 16))
                out.append(UInt8(truncatingIfNeeded: quantum >> 8))
                out.append(UInt8(truncatingIfNeeded: quantum))
                quantum = 0
                digits = 0
            }
        }
        let end = text.count
        switch (digits, padding) {
        case (0, 0):
            break
        case (2, 2):
            // RFC 4648 §3.5: the 4 unused bits must be zero in the canonical encoding.
            guard quantum & 0x0f == 0 else { throw .invalidBase64(offset: end) }
            out.append(UInt8(truncatingIfNeeded: quantum >> 4))
        case (3, 1):
            guard quantum & 0x03 == 0 else { throw .invalidBase64(offset: end) }
            out.append(UInt8(truncatingIfNeeded: quantum >> 10))
            out.append(UInt8(truncatingIfNeeded: quantum >> 2))
        default:
            throw .invalidBase64(offset: end)
        }
        return out
    }
}
