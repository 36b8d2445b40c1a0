/// Internal helpers to reach the bytes of any `Collection<UInt8>` as a raw buffer.

/// Calls `body` with the contiguous bytes of `bytes`, copying only if the collection has no
/// contiguous storage (arrays, slices of arrays, `SecureBytes` and raw buffers never copy).
@inline(__always)
func withContiguousBytes<C: Collection<UInt8>, R>(
    _ bytes: C, _ body: (UnsafeRawBufferPointer) -> R
) -> R {
    if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return Array(bytes).withUnsafeBytes(body)
}

/// libsodium and libb2 declare most pointer parameters `nonnull`, but an empty Swift buffer may
/// have a nil base address; this substitutes a valid pointer to a zero byte for empty buffers.
@inline(__always)
func withNonNullBase<R>(
    _ buffer: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>) -> R
) -> R {
    if let base = buffer.baseAddress {
        return body(base.assumingMemoryBound(to: UInt8.self))
    }
    var zero: UInt8 = 0
    return withUnsafePointer(to: &zero) { body($0) }
}

/// Mutable counterpart of ``withNonNullBase(_:_:)``.
@inline(__always)
func withNonNullMutableBase<R>(
    _ buffer: UnsafeMutableRawBufferPointer, _ body: (UnsafeMutablePointer<UInt8>) -> R
) -> R {
    if let base = buffer.baseAddress {
        return body(base.assumingMemoryBound(to: UInt8.self))
    }
    var zero: UInt8 = 0
    return withUnsafeMutablePointer(to: &zero) { body($0) }
}

extension InlineArray where Element == UInt8 {
    /// The first `count` bytes of `bytes`, zero-padded if it is shorter (callers that need an
    /// exact length check it first).
    @inline(__always)
    init(copying bytes: some Collection<UInt8>) {
        self.init(repeating: 0)
        var i = 0
        for b in bytes where i < count {
            self[i] = b
            i += 1
        }
    }
}
