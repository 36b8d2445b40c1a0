// Helpers shared by the fuzz targets: a consumer that splits the fuzzer's input into typed
// pieces, and invariant checks that crash (so libFuzzer records the input) when violated.

@_exported import KoriumWire

/// Stops the process when a harness invariant is violated. libFuzzer sees the crash, saves the
/// input as `crash-…`, and the campaign fails. Only for properties the code under test must
/// guarantee, never for input the parser is allowed to reject.
@inline(never)
public func fuzzCheck(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() {
        fatalError("fuzz invariant violated: \(message())", file: file, line: line)
    }
}

/// Splits the fuzzer's input into pieces, front to back. Running out of input is not an error:
/// takes return shorter (or zero) results, so every input drives some path.
public struct FuzzInput {
    /// The whole input.
    public let bytes: [UInt8]
    /// The next unread index.
    public private(set) var position = 0

    /// Wraps the raw libFuzzer arguments (nil data means an empty input).
    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = data.map { [UInt8](UnsafeBufferPointer(start: $0, count: size)) } ?? []
    }

    /// Wraps bytes directly.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Bytes not yet taken.
    public var remaining: Int { bytes.count - position }

    /// Whether everything has been taken.
    public var isEmpty: Bool { remaining == 0 }

    /// The next byte, or 0 if none is left.
    public mutating func takeUInt8() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    /// A value in `0..<bound` chosen by the next byte (or two for bounds above 256).
    public mutating func takeInt(below bound: Int) -> Int {
        precondition(bound > 0)
        if bound <= 256 { return Int(takeUInt8()) % bound }
        return (Int(takeUInt8()) << 8 | Int(takeUInt8())) % bound
    }

    /// Up to `n` bytes (fewer if the input runs out).
    public mutating func takeBytes(_ n: Int) -> [UInt8] {
        let count = Swift.max(0, Swift.min(n, remaining))
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    /// Exactly `n` bytes, padded with zeros if the input runs out (keys, nonces).
    public mutating func takeFixed(_ n: Int) -> [UInt8] {
        let taken = takeBytes(n)
        return taken + [UInt8](repeating: 0, count: n - taken.count)
    }

    /// A length-prefixed piece: one byte gives the length (capped at `max`).
    public mutating func takeLengthPrefixed(max: Int = 255) -> [UInt8] {
        takeBytes(Int(takeUInt8()) % (Swift.min(max, 255) + 1))
    }

    /// Everything not yet taken.
    public mutating func takeRest() -> [UInt8] { takeBytes(remaining) }
}
