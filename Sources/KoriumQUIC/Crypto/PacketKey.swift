import KoriumCrypto
import KoriumTLS

/// The AEAD that protects packet payloads (RFC 9001 §5.3), one case per TLS 1.3 cipher suite.
/// An enum rather than `any AEADCipher`, so the per-packet call is a switch, never an
/// existential dispatch.
public enum PacketCipher: Sendable {
    /// AEAD_AES_128_GCM (pure Swift): every Initial packet, TLS_AES_128_GCM_SHA256.
    case aes128GCM(AES128GCM)
    /// AEAD_AES_256_GCM (libsodium, AES-NI): TLS_AES_256_GCM_SHA384.
    case aes256GCM(AES256GCM)
    /// AEAD_CHACHA20_POLY1305 (libsodium): TLS_CHACHA20_POLY1305_SHA256.
    case chacha20Poly1305(ChaCha20Poly1305)

    /// Keys the cipher of `suite`.
    public init(suite: CipherSuite, key: some Collection<UInt8>) throws(CryptoError) {
        switch suite {
        case .aes128GCMSHA256: self = .aes128GCM(try AES128GCM(key: key))
        case .aes256GCMSHA384: self = .aes256GCM(try AES256GCM(key: key))
        case .chacha20Poly1305SHA256: self = .chacha20Poly1305(try ChaCha20Poly1305(key: key))
        }
    }

    /// The tag length: 16 bytes for every QUIC v1 AEAD.
    public static let tagByteCount = 16

    @inlinable
    func seal(
        _ message: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer,
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer
    ) throws(CryptoError) {
        switch self {
        case .aes128GCM(let c): try c.sealInPlace(message, tag: tag, nonce: nonce, aad: aad)
        case .aes256GCM(let c): try c.sealInPlace(message, tag: tag, nonce: nonce, aad: aad)
        case .chacha20Poly1305(let c): try c.sealInPlace(message, tag: tag, nonce: nonce, aad: aad)
        }
    }

    @inlinable
    func open(
        _ message: UnsafeMutableRawBufferPointer, tag: UnsafeRawBufferPointer,
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer
    ) throws(CryptoError) {
        switch self {
        case .aes128GCM(let c): try c.openInPlace(message, tag: tag, nonce: nonce, aad: aad)
        case .aes256GCM(let c): try c.openInPlace(message, tag: tag, nonce: nonce, aad: aad)
        case .chacha20Poly1305(let c): try c.openInPlace(message, tag: tag, nonce: nonce, aad: aad)
        }
    }
}

/// A packet-protection key: the AEAD and its 12-byte IV (RFC 9001 §5.3). The nonce of a
/// packet is the IV XORed with the packet number, left-padded to 12 bytes.
public struct PacketKey: Sendable {
    /// The keyed AEAD.
    public let cipher: PacketCipher
    /// The IV, inline: bytes 0–3 and 4–11 (big-endian words).
    @usableFromInline let ivHigh: UInt32
    @usableFromInline let ivLow: UInt64

    /// The IV length for every QUIC v1 AEAD.
    public static let ivByteCount = 12

    /// Keys `suite` with `key` and `iv` (12 bytes).
    public init(suite: CipherSuite, key: some Collection<UInt8>, iv: some Collection<UInt8>) throws(CryptoError) {
        guard iv.count == Self.ivByteCount else { throw .invalidNonceSize(expected: Self.ivByteCount, actual: iv.count) }
        cipher = try PacketCipher(suite: suite, key: key)
        let bytes = Array(iv)
        var high: UInt32 = 0
        for i in 0..<4 { high = high << 8 | UInt32(bytes[i]) }
        var low: UInt64 = 0
        for i in 4..<12 { low = low << 8 | UInt64(bytes[i]) }
        ivHigh = high
        ivLow = low
    }

    /// Keys the AEAD from material derived by KoriumTLS (`quic key` / `quic iv`).
    public init(material: QUICPacketKeyMaterial) throws(CryptoError) {
        let key = material.key.withUnsafeBytes { [UInt8]($0) }
        let iv = material.iv.withUnsafeBytes { [UInt8]($0) }
        try self.init(suite: material.cipherSuite, key: key, iv: iv)
    }

    /// RFC 9001 §5.3: the nonce for `packetNumber`, written into a 12-byte stack value.
    @inlinable
    func withNonce<R>(for packetNumber: UInt64, _ body: (UnsafeRawBufferPointer) throws(CryptoError) -> R) throws(CryptoError) -> R {
        let low = ivLow ^ packetNumber
        // Three UInt32 words: 12 bytes, no padding.
        var nonce = (ivHigh.bigEndian, UInt32(truncatingIfNeeded: low >> 32).bigEndian,
                     UInt32(truncatingIfNeeded: low).bigEndian)
        let result: Result<R, CryptoError> = withUnsafeBytes(of: &nonce) { raw in
            do throws(CryptoError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Encrypts `payload` in place, writing the tag into `tag`, with `header` as associated data.
    @inlinable
    public func seal(
        payload: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer,
        header: UnsafeRawBufferPointer, packetNumber: UInt64
    ) throws(CryptoError) {
        try withNonce(for: packetNumber) { (nonce) throws(CryptoError) in
            try cipher.seal(payload, tag: tag, nonce: nonce, aad: header)
        }
    }

    /// Verifies and decrypts `payload` in place; throws `.authenticationFailed` on a bad tag.
    @inlinable
    public func open(
        payload: UnsafeMutableRawBufferPointer, tag: UnsafeRawBufferPointer,
        header: UnsafeRawBufferPointer, packetNumber: UInt64
    ) throws(CryptoError) {
        try withNonce(for: packetNumber) { (nonce) throws(CryptoError) in
            try cipher.open(payload, tag: tag, nonce: nonce, aad: header)
        }
    }
}

/// A header-protection key (RFC 9001 §5.4), one case per cipher family; no existential.
public enum HeaderKey: Sendable {
    /// AES-ECB based (§5.4.3), AES-128 or AES-256 by key length.
    case aes(AESHeaderProtection)
    /// ChaCha20 based (§5.4.4).
    case chacha20(ChaCha20HeaderProtection)

    /// Keys the header protection of `suite` with `key` (the `quic hp` secret).
    public init(suite: CipherSuite, key: some Collection<UInt8>) throws(CryptoError) {
        switch suite {
        case .aes128GCMSHA256, .aes256GCMSHA384: self = .aes(try AESHeaderProtection(key: key))
        case .chacha20Poly1305SHA256: self = .chacha20(try ChaCha20HeaderProtection(key: key))
        }
    }

    /// Keys header protection from material derived by KoriumTLS.
    public init(material: QUICPacketKeyMaterial) throws(CryptoError) {
        let key = material.headerProtectionKey.withUnsafeBytes { [UInt8]($0) }
        try self.init(suite: material.cipherSuite, key: key)
    }

    /// The 5-byte mask for a 16-byte sample.
    @inlinable
    public func mask(sample: UnsafeRawBufferPointer) -> (UInt8, UInt8, UInt8, UInt8, UInt8) {
        switch self {
        case .aes(let k): return k.mask(sample: sample)
        case .chacha20(let k): return k.mask(sample: sample)
        }
    }
}

/// The packet and header keys for one direction of one encryption level.
public struct PacketKeys: Sendable {
    /// Payload protection.
    public let packet: PacketKey
    /// Header protection.
    public let header: HeaderKey

    /// Pairs two keys.
    public init(packet: PacketKey, header: HeaderKey) {
        self.packet = packet
        self.header = header
    }

    /// Derives both keys from a traffic secret (RFC 9001 §5.1).
    public init(secret: SecureBytes, suite: CipherSuite) throws(CryptoError) {
        let material = QUICPacketKeyMaterial(secret: secret, cipherSuite: suite)
        packet = try PacketKey(material: material)
        header = try HeaderKey(material: material)
    }

    /// The Initial keys for both directions (RFC 9001 §5.2), from the Destination Connection ID
    /// of the client's first Initial packet: `client` protects what the client sends.
    public static func initial(destinationConnectionID: ConnectionID) throws(CryptoError) -> (client: PacketKeys, server: PacketKeys) {
        let secrets = QUICKeyDerivation.initialSecrets(destinationConnectionID: destinationConnectionID.bytes)
        return (try PacketKeys(secret: secrets.client, suite: .aes128GCMSHA256),
                try PacketKeys(secret: secrets.server, suite: .aes128GCMSHA256))
    }
}
