@testable import KoriumWire

/// SplitMix64: a tiny seeded generator so random-input tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Parses a hex literal such as "c2197c5eff14e88c" (spaces allowed).
func hex(_ text: String) -> [UInt8] {
    let digits = text.filter { !$0.isWhitespace }.map { UInt8(String($0), radix: 16)! }
    return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
}

/// Runs one read on a reader over `bytes` and returns the result with the final offset.
func read<T>(
    _ bytes: [UInt8], _ body: (inout ByteReader) throws(WireError) -> T
) -> (result: Result<T, WireError>, offset: Int) {
    bytes.withReader { reader in
        do throws(WireError) {
            let value = try body(&reader)
            return (.success(value), reader.offset)
        } catch {
            return (.failure(error), reader.offset)
        }
    }
}
