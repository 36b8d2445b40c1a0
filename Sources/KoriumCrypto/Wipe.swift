import CSodium

/// Overwrites `buffer` with zeros in a way the optimiser cannot remove (`sodium_memzero`).
/// Use it on temporary buffers that held secrets.
public func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    sodium_memzero(base, buffer.count)
}
