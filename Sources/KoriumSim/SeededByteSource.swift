import Synchronization

/// A deterministic, thread-safe byte source for tests, fuzzers and experiments: one
/// ``SplitMix64`` step per byte (its low byte), behind a lock so the `@Sendable` randomness
/// closures of sans-IO configurations (QUIC, TLS) can share it. Not for secrets.
public final class SeededByteSource: Sendable {
    private let generator: Mutex<SplitMix64>

    /// A source whose output is fixed by `seed`.
    public init(seed: UInt64) { generator = Mutex(SplitMix64(seed: seed)) }

    /// Fills `buffer` with the next bytes.
    public func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        generator.withLock { g in
            for i in 0..<buffer.count { buffer[i] = UInt8(truncatingIfNeeded: g.next()) }
        }
    }

    /// The next `count` bytes.
    public func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { fill($0) }
        return out
    }
}
