/// HMAC (RFC 2104) over any ``HashFunction``: HMAC-SHA256, HMAC-SHA384, HMAC-SHA512.
///
/// The keyed inner and outer states are computed once in `init`, so authenticating many
/// messages with one key costs only the two hash passes. The state is a copyable value.
public struct HMAC<H: HashFunction>: Sendable {
    private var inner: H
    private let outer: H

    /// Byte length of the authentication code (the hash's digest length).
    public static var byteCount: Int { H.digestByteCount }

    /// Keys a new HMAC. RFC 2104 §2: keys longer than the block are hashed first; shorter keys
    /// are zero-padded to the block length.
    public init(key: some Collection<UInt8>) {
        let blockCount = H.blockByteCount
        var inner = H()
        var outer = H()
        withUnsafeTemporaryAllocation(byteCount: blockCount, alignment: 8) { pad in
            pad.initializeMemory(as: UInt8.self, repeating: 0)
            if key.count > blockCount {
                var keyHash = H()
                keyHash.update(key)
                keyHash.finalize(into: UnsafeMutableRawBufferPointer(rebasing: pad[..<H.digestByteCount]))
            } else {
                withContiguousBytes(key) { keyBytes in
                    if !keyBytes.isEmpty { pad.copyMemory(from: keyBytes) }
                }
            }
            // RFC 2104 §2: ipad = 0x36 repeated, opad = 0x5C repeated.
            for i in 0..<blockCount { pad[i] ^= 0x36 }
            inner.update(UnsafeRawBufferPointer(pad))
            for i in 0..<blockCount { pad[i] ^= 0x36 ^ 0x5c }
            outer.update(UnsafeRawBufferPointer(pad))
            // The padded key is secret: wipe the stack copy before returning.
            wipe(pad)
        }
        self.inner = inner
        self.outer = outer
    }

    /// Absorbs message bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        inner.update(bytes)
    }

    /// Absorbs message bytes (no copy for arrays and `SecureBytes`).
    public mutating func update(_ bytes: some Collection<UInt8>) {
        inner.update(bytes)
    }

    /// Writes the authentication code (exactly ``byteCount`` bytes) into `output` without
    /// allocating; `self` is unchanged and can keep absorbing.
    public func finalize(into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count == H.digestByteCount, "HMAC output must be the digest length")
        inner.finalize(into: output)
        var outer = self.outer
        outer.update(UnsafeRawBufferPointer(output))
        outer.finalize(into: output)
    }

    /// The authentication code of everything absorbed so far.
    public func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: H.digestByteCount) { buffer, initialized in
            finalize(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = H.digestByteCount
        }
    }

    /// One-shot HMAC of `message` under `key`.
    public static func authenticate(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        var mac = HMAC(key: key)
        mac.update(message)
        return mac.finalize()
    }

    /// Checks `code` against the HMAC of `message` in constant time.
    public static func isValidAuthenticationCode(
        _ code: some Collection<UInt8>, authenticating message: some Collection<UInt8>,
        key: some Collection<UInt8>
    ) -> Bool {
        constantTimeEquals(authenticate(key: key, message: message), code)
    }
}
