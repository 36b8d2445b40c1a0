/// Test helpers shared by the KoriumCrypto suites.

/// Parses a hex literal, ignoring whitespace (so RFC figures can be pasted line by line).
/// Traps on malformed input: test literals are fixed at compile time.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = text.unicodeScalars.filter { !$0.properties.isWhitespace }
    precondition(digits.count % 2 == 0, "odd number of hex digits")
    var out: [UInt8] = []
    out.reserveCapacity(digits.count / 2)
    var high: UInt8? = nil
    for scalar in digits {
        guard let nibble = UInt8(String(scalar), radix: 16) else { preconditionFailure("bad hex digit \(scalar)") }
        if let h = high { out.append(h << 4 | nibble); high = nil } else { high = nibble }
    }
    return out
}

/// Lower-case hex of `bytes`.
func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let table = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes { out.append(table[Int(b >> 4)]); out.append(table[Int(b & 0xf)]) }
    return String(decoding: out, as: UTF8.self)
}
