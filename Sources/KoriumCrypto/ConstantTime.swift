import CSodium

/// Compares two byte sequences in time that depends only on their lengths, never on their
/// contents (libsodium `sodium_memcmp`). Use it for MACs, tags, tokens and secrets.
///
/// Sequences of different lengths compare unequal immediately: lengths are public.
public func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    Sodium.ensureInitialized()
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return withContiguousBytes(a) { pa in
        withContiguousBytes(b) { pb in
            sodium_memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0
        }
    }
}
