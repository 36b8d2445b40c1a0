/// Test helpers: hex literals (whitespace ignored) and hex output.
func hex(_ text: String) -> [UInt8] {
    let digits = text.unicodeScalars.filter { !$0.properties.isWhitespace }.map { Character($0) }
    precondition(digits.count % 2 == 0, "odd hex literal")
    var out: [UInt8] = []
    out.reserveCapacity(digits.count / 2)
    var i = 0
    while i < digits.count {
        guard let b = UInt8(String(digits[i...i + 1]), radix: 16) else { preconditionFailure("bad hex literal") }
        out.append(b)
        i += 2
    }
    return out
}

func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}
