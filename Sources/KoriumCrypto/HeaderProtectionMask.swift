/// QUIC header protection (RFC 9001 §5.4): turns a 16-byte ciphertext sample into the 5-byte
/// mask applied to the first byte and the packet number.
///
/// Conformers: ``ChaCha20HeaderProtection`` (RFC 9001 §5.4.4) and `AESHeaderProtection`
/// (§5.4.3). Computing a mask allocates nothing.
public protocol HeaderProtectionMask: Sendable {
    /// Returns `mask[0..<5]` for `sample`, which must be exactly 16 bytes (RFC 9001 §5.4.2:
    /// the sample size is 16 bytes for every cipher suite QUIC v1 defines). A wrong-sized
    /// sample is a caller bug and traps.
    func mask(sample: UnsafeRawBufferPointer) -> (UInt8, UInt8, UInt8, UInt8, UInt8)
}

/// RFC 9001 §5.4.2: the header-protection sample length for all QUIC v1 cipher suites.
public let headerProtectionSampleByteCount = 16
