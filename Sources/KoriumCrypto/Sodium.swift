import CSodium

/// One-time libsodium initialisation.
///
/// `sodium_init` selects the CPU-specific implementations (AES-NI for AES-256-GCM, SIMD
/// ChaCha20) and seeds the random generator; it must run before those are used. A `static let`
/// is initialised exactly once, thread-safely (Swift uses `swift_once`), so every entry point
/// of this module calls ``ensureInitialized()`` at negligible cost.
enum Sodium {
    /// `true` once `sodium_init` has succeeded (it returns 0, or 1 if already initialised).
    private static let isInitialized: Bool = sodium_init() >= 0

    /// Initialises libsodium if needed; traps only if libsodium itself cannot start
    /// (no entropy source), which no caller could recover from.
    @inline(__always)
    static func ensureInitialized() {
        precondition(isInitialized, "libsodium failed to initialise (sodium_init() < 0)")
    }
}
