// Swift Testing suites for KoriumQUIC. One file per area; RFC vectors are hex literals with
// their section cited, or loaded from Vectors/quic/.
import Foundation
import KoriumQUIC
import KoriumWire

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

/// The `tests` array of a vector file under `Vectors/`.
func vectorTests(_ relativePath: String) throws -> [[String: Any]] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let data = try Data(contentsOf: root.appendingPathComponent("Vectors").appendingPathComponent(relativePath))
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    return object?["tests"] as? [[String: Any]] ?? []
}

/// A small deterministic generator (SplitMix64) for property tests: same seed, same inputs.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &self) } }
}

extension ConnectionID {
    /// Test shorthand: a connection ID from hex.
    init(hex: String) {
        do { try self.init(hexBytes(hex)) } catch { preconditionFailure("test CID too long") }
    }
}
