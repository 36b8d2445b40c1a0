/// AES-128 block cipher (FIPS 197), encryption only, pure Swift and constant-time.
///
/// Bitsliced over four blocks with the S-box as a boolean circuit: no table is ever indexed
/// with key or data, and no branch depends on them (see `AESBitsliceState`). A single block
/// costs as much as four, so prefer ``AESBlockCipher/encryptBlocks(_:into:)`` for bulk work.
public typealias AES128 = AESBlockCipher<AESKey128>

/// AES-256 block cipher (FIPS 197, 14 rounds), encryption only, pure Swift and constant-time.
///
/// Same bitsliced engine as ``AES128``; used for QUIC header protection with the
/// TLS_AES_256_GCM_SHA384 suite (RFC 9001 §5.4.3).
public typealias AES256 = AESBlockCipher<AESKey256>

/// The key length of an AES variant; FIPS 197 §5 derives the round count from it.
public protocol AESKeySize: Sendable {
    /// Key length in bytes.
    static var keyByteCount: Int { get }
}

/// 16-byte keys, 10 rounds: ``AES128``.
public enum AESKey128: AESKeySize {
    /// 16.
    public static let keyByteCount = 16
}

/// 32-byte keys, 14 rounds: ``AES256``.
public enum AESKey256: AESKeySize {
    /// 32.
    public static let keyByteCount = 32
}

/// The bitsliced AES block cipher (encryption only) for the key size `KeySize`; use the
/// ``AES128`` and ``AES256`` aliases.
public struct AESBlockCipher<KeySize: AESKeySize>: Sendable {
    /// Key length in bytes.
    public static var keyByteCount: Int { KeySize.keyByteCount }
    /// Block length in bytes.
    public static var blockByteCount: Int { 16 }

    let expanded: AESExpandedKey

    /// Expands `key` (``keyByteCount`` bytes); throws
    /// ``CryptoError/invalidKeySize(expected:actual:)`` otherwise.
    public init(key: some Collection<UInt8>) throws(CryptoError) {
        guard key.count == Self.keyByteCount else {
            throw .invalidKeySize(expected: Self.keyByteCount, actual: key.count)
        }
        expanded = withContiguousBytes(key) { AESExpandedKey(key: $0) }
    }

    /// Encrypts one 16-byte block from `block` into `output` (which may alias `block`).
    /// Throws ``CryptoError/bufferSize(needed:available:)`` unless both are 16 bytes or more.
    public func encryptBlock(
        _ block: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError) {
        try encrypt(block, output, byteCount: 16)
    }

    /// Encrypts `input` (a multiple of 16 bytes) block by block (ECB) into `output`, which must
    /// be at least as long and may be the same memory. Four blocks run per bitsliced pass.
    /// Throws ``CryptoError/bufferSize(needed:available:)`` on a bad length.
    public func encryptBlocks(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError) {
        try encrypt(input, output, byteCount: input.count)
    }

    /// Allocating convenience: encrypts one 16-byte block.
    public func encryptBlock(_ block: some Collection<UInt8>) throws(CryptoError) -> [UInt8] {
        guard block.count == 16 else { throw .bufferSize(needed: 16, available: block.count) }
        var output = [UInt8](repeating: 0, count: 16)
        withContiguousBytes(block) { input in
            output.withUnsafeMutableBytes { out in
                expanded.encryptBlocks(input.baseAddress!, out.baseAddress!, count: 1)
            }
        }
        return output
    }

    /// Length checks shared by the ECB entry points, then `byteCount / 16` blocks.
    private func encrypt(
        _ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer, byteCount: Int
    ) throws(CryptoError) {
        guard byteCount % 16 == 0, input.count >= byteCount else {
            throw .bufferSize(needed: (byteCount + 15) & ~15, available: input.count)
        }
        guard output.count >= byteCount else {
            throw .bufferSize(needed: byteCount, available: output.count)
        }
        guard byteCount > 0, let source = input.baseAddress, let target = output.baseAddress else {
            return
        }
        expanded.encryptBlocks(source, target, count: byteCount / 16)
    }
}
