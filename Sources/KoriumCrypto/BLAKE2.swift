import CBlake2

/// The libb2 entry points and limits of one BLAKE2 variant (RFC 7693 §2.1), so ``BLAKE2``
/// holds the hashing logic once for both. Conformers: ``BLAKE2bVariant``, ``BLAKE2sVariant``.
public protocol BLAKE2Variant: Sendable {
    /// The libb2 state struct (a plain C value, so copying it snapshots the hash).
    associatedtype State: Sendable
    /// Variant name used in diagnostics ("BLAKE2b").
    static var name: StaticString { get }
    /// Largest (and default) digest length in bytes.
    static var maximumOutputByteCount: Int { get }
    /// Largest key length in bytes.
    static var maximumKeyByteCount: Int { get }
    /// A zeroed state, before initialisation.
    static func emptyState() -> State
    /// `blake2x_init` (empty `key`) or `blake2x_init_key`; returns libb2's status (0 = success).
    static func initialize(_ state: inout State, outputByteCount: Int, key: UnsafeRawBufferPointer) -> Int32
    /// `blake2x_update` over `count` bytes at `bytes`.
    static func update(_ state: inout State, _ bytes: UnsafePointer<UInt8>, _ count: Int)
    /// `blake2x_final` into `count` bytes at `output`.
    static func finalize(_ state: inout State, into output: UnsafeMutablePointer<UInt8>, _ count: Int)
}

/// BLAKE2 (RFC 7693) via libb2, generic over the variant: use ``BLAKE2b`` or ``BLAKE2s``.
/// Digests of 1...`maximumOutputByteCount` bytes, optional key of 0...`maximumKeyByteCount`
/// bytes (keyed mode is a MAC).
///
/// The incremental state is a copyable value, like the SHA-2 types.
public struct BLAKE2<Variant: BLAKE2Variant>: Sendable {
    /// The largest (and default) digest length.
    public static var maximumOutputByteCount: Int { Variant.maximumOutputByteCount }
    /// The largest key length.
    public static var maximumKeyByteCount: Int { Variant.maximumKeyByteCount }

    private var state = Variant.emptyState()
    /// The digest length this state produces.
    public let outputByteCount: Int

    /// Starts a hash producing `outputByteCount` bytes (1...``maximumOutputByteCount``), keyed
    /// with `key` (0...``maximumKeyByteCount`` bytes, empty = unkeyed). Throws
    /// ``CryptoError/invalidOutputSize(allowed:actual:)`` or ``CryptoError/keyTooLong(maximum:actual:)``.
    public init(
        outputByteCount: Int = Variant.maximumOutputByteCount, key: some Collection<UInt8> = [UInt8]()
    ) throws(CryptoError) {
        guard (1...Self.maximumOutputByteCount).contains(outputByteCount) else {
            throw .invalidOutputSize(allowed: 1...Self.maximumOutputByteCount, actual: outputByteCount)
        }
        guard key.count <= Self.maximumKeyByteCount else {
            throw .keyTooLong(maximum: Self.maximumKeyByteCount, actual: key.count)
        }
        self.outputByteCount = outputByteCount
        let result = withContiguousBytes(key) { keyBytes in
            Variant.initialize(&state, outputByteCount: outputByteCount, key: keyBytes)
        }
        // Lengths were validated above, the only reasons libb2 fails.
        precondition(result == 0, "\(Variant.name) init rejected validated parameters")
    }

    /// Absorbs `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        Variant.update(&state, base.assumingMemoryBound(to: UInt8.self), bytes.count)
    }

    /// Absorbs any byte collection.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        withContiguousBytes(bytes) { update($0) }
    }

    /// The digest of everything absorbed so far (``outputByteCount`` bytes); `self` keeps running.
    public func finalize() -> [UInt8] {
        var copy = state
        return [UInt8](unsafeUninitializedCapacity: outputByteCount) { buffer, initialized in
            Variant.finalize(&copy, into: buffer.baseAddress!, outputByteCount)
            initialized = outputByteCount
        }
    }

    /// One-shot hash of `bytes`; same parameters and errors as ``init(outputByteCount:key:)``.
    public static func hash(
        _ bytes: some Collection<UInt8>, outputByteCount: Int = Variant.maximumOutputByteCount,
        key: some Collection<UInt8> = [UInt8]()
    ) throws(CryptoError) -> [UInt8] {
        var state = try Self(outputByteCount: outputByteCount, key: key)
        state.update(bytes)
        return state.finalize()
    }
}
