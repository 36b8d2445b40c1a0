import CSodium

/// Cryptographically secure random bytes from libsodium (`randombytes_buf`, backed by the
/// kernel's `getrandom`). Use it for keys, nonces and tokens; sans-IO protocol cores take an
/// injected generator instead so tests stay deterministic.
public enum SecureRandom {
    /// Fills `buffer` with random bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        Sodium.ensureInitialized()
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        randombytes_buf(base, buffer.count)
    }

    /// Returns `count` random bytes (`count` must be non-negative).
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "negative byte count")
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// A uniformly random integer in `0..<upperBound` (libsodium `randombytes_uniform`,
    /// no modulo bias). `upperBound` must be positive.
    public static func uniform(_ upperBound: UInt32) -> UInt32 {
        precondition(upperBound > 0, "upper bound must be positive")
        Sodium.ensureInitialized()
        return randombytes_uniform(upperBound)
    }
}
