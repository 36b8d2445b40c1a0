import CSodium

/// Secret bytes (keys, seeds, traffic secrets) in storage that is wiped with `sodium_memzero`
/// when the last copy goes away.
///
/// A value type backed by one immutable heap buffer: copies share the buffer, nothing is ever
/// written after initialisation, so sharing across threads is safe. Equality is constant-time.
/// `description` never shows the contents. Reading the bytes through the `Collection`
/// conformance or ``withUnsafeBytes(_:)`` is fine; copying them into an `Array` makes a copy
/// that is *not* wiped, so pass `SecureBytes` itself wherever `some Collection<UInt8>` is taken.
public struct SecureBytes: Sendable {
    private let storage: Storage

    /// Copies `bytes` into zeroizing storage.
    public init(_ bytes: some Collection<UInt8>) {
        let count = bytes.count
        storage = Storage(count: count)
        withContiguousBytes(bytes) { source in
            if count > 0 { storage.pointer.copyMemory(from: source.baseAddress!, byteCount: count) }
        }
    }

    /// `count` fresh random bytes (`SecureRandom`).
    public init(randomCount count: Int) {
        precondition(count >= 0, "negative byte count")
        storage = Storage(count: count)
        SecureRandom.fill(UnsafeMutableRawBufferPointer(start: storage.pointer, count: count))
    }

    /// Creates `count` bytes written by `initializer`, which receives zero-filled memory; if it
    /// throws, the memory is wiped and the error is rethrown.
    public init<E: Error>(
        count: Int, initializingWith initializer: (UnsafeMutableRawBufferPointer) throws(E) -> Void
    ) throws(E) {
        precondition(count >= 0, "negative byte count")
        let storage = Storage(count: count)
        try initializer(UnsafeMutableRawBufferPointer(start: storage.pointer, count: count))
        self.storage = storage
    }

    /// Number of bytes.
    public var count: Int { storage.count }

    /// Lends the bytes to `body`; the pointer must not escape it.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: storage.pointer, count: storage.count))
    }
}

extension SecureBytes {
    /// Owns the heap buffer. `@unchecked Sendable` is sound because the buffer is written only
    /// inside the initialisers of `SecureBytes` (before the storage is shared with anyone) and
    /// is read-only afterwards; `deinit` runs when no reference remains, so wiping and freeing
    /// cannot race with a reader.
    private final class Storage: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
        let count: Int

        init(count: Int) {
            self.count = count
            // At least one byte so `pointer` is always valid (libsodium wants non-null).
            pointer = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(count, 1), alignment: 16)
            pointer.initializeMemory(as: UInt8.self, repeating: 0, count: Swift.max(count, 1))
        }

        deinit {
            sodium_memzero(pointer, Swift.max(count, 1))
            pointer.deallocate()
        }
    }
}

extension SecureBytes: RandomAccessCollection {
    /// Always 0.
    public var startIndex: Int { 0 }
    /// Equal to ``count``.
    public var endIndex: Int { storage.count }
    /// The byte at `position` (bounds-checked).
    public subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < storage.count, "SecureBytes index out of range")
        return storage.pointer.load(fromByteOffset: position, as: UInt8.self)
    }

    /// Contiguous access without copying (used by every API taking `some Collection<UInt8>`).
    public func withContiguousStorageIfAvailable<R>(
        _ body: (UnsafeBufferPointer<UInt8>) throws -> R
    ) rethrows -> R? {
        try body(UnsafeBufferPointer(start: storage.pointer.assumingMemoryBound(to: UInt8.self), count: storage.count))
    }
}

extension SecureBytes: Equatable {
    /// Constant-time comparison (`sodium_memcmp`); different lengths compare unequal.
    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        constantTimeEquals(lhs, rhs)
    }
}

extension SecureBytes: CustomStringConvertible, CustomDebugStringConvertible {
    /// Redacted: shows only the length, never the secret.
    public var description: String { "SecureBytes(\(count) bytes)" }
    /// Redacted: shows only the length, never the secret.
    public var debugDescription: String { description }
}

extension SecureBytes {
    /// A key for a libsodium primitive: exactly `byteCount` bytes (else
    /// ``CryptoError/invalidKeySize(expected:actual:)``), copied into zeroizing storage, with
    /// libsodium initialised before the key is first used.
    init(sodiumKey key: some Collection<UInt8>, byteCount: Int) throws(CryptoError) {
        guard key.count == byteCount else { throw .invalidKeySize(expected: byteCount, actual: key.count) }
        Sodium.ensureInitialized()
        self.init(key)
    }
}
