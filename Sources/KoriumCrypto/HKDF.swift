/// HKDF (RFC 5869) over any ``HashFunction``, plus the TLS 1.3 helpers built on it
/// (RFC 8446 §7.1 `HKDF-Expand-Label` and `Derive-Secret`, also used by QUIC, RFC 9001 §5).
///
/// Outputs are secrets, so they come back as ``SecureBytes`` (pass them on directly: every
/// API here and the AEAD initialisers accept `some Collection<UInt8>`).
public enum HKDF<H: HashFunction> {
    /// RFC 5869 §2.3: `L <= 255 * HashLen`.
    public static var maximumOutputByteCount: Int { 255 * H.digestByteCount }

    /// RFC 5869 §2.2 HKDF-Extract: `PRK = HMAC-Hash(salt, IKM)`. An empty salt is the same as
    /// `HashLen` zero bytes (both pad to an all-zero HMAC key block).
    public static func extract(salt: some Collection<UInt8>, ikm: some Collection<UInt8>) -> SecureBytes {
        var mac = HMAC<H>(key: salt)
        mac.update(ikm)
        return SecureBytes(count: H.digestByteCount) { (output: UnsafeMutableRawBufferPointer) in
            mac.finalize(into: output)
        }
    }

    /// RFC 5869 §2.3 HKDF-Expand: `outputByteCount` bytes of keying material from `prk`.
    ///
    /// Throws ``CryptoError/outputTooLong`` above 255 × HashLen,
    /// ``CryptoError/invalidOutputSize(allowed:actual:)`` for a negative length and
    /// ``CryptoError/invalidKeySize(expected:actual:)`` if `prk` is shorter than HashLen
    /// (RFC 5869 §2.3: "a pseudorandom key of at least HashLen octets").
    public static func expand(
        prk: some Collection<UInt8>, info: some Collection<UInt8>, outputByteCount: Int
    ) throws(CryptoError) -> SecureBytes {
        guard outputByteCount >= 0 else {
            throw .invalidOutputSize(allowed: 0...maximumOutputByteCount, actual: outputByteCount)
        }
        guard outputByteCount <= maximumOutputByteCount else { throw .outputTooLong }
        guard prk.count >= H.digestByteCount else {
            throw .invalidKeySize(expected: H.digestByteCount, actual: prk.count)
        }
        let keyed = HMAC<H>(key: prk)
        let hashCount = H.digestByteCount
        return withContiguousBytes(info) { infoBytes in
            SecureBytes(count: outputByteCount) { (output: UnsafeMutableRawBufferPointer) in
                withUnsafeTemporaryAllocation(byteCount: hashCount, alignment: 8) { block in
                    var written = 0
                    var counter: UInt8 = 1
                    while written < outputByteCount {
                        // T(i) = HMAC-Hash(PRK, T(i-1) | info | i), T(0) = empty.
                        var mac = keyed
                        if counter > 1 { mac.update(UnsafeRawBufferPointer(block)) }
                        mac.update(infoBytes)
                        withUnsafeBytes(of: counter) { mac.update($0) }
                        mac.finalize(into: block)
                        let take = min(hashCount, outputByteCount - written)
                        UnsafeMutableRawBufferPointer(rebasing: output[written..<(written + take)])
                            .copyMemory(from: UnsafeRawBufferPointer(rebasing: block[..<take]))
                        written += take
                        counter &+= 1
                    }
                    wipe(block)
                }
            }
        }
    }

    /// RFC 8446 §7.1 HKDF-Expand-Label:
    /// `HKDF-Expand(Secret, HkdfLabel, Length)` with
    /// `HkdfLabel = uint16 length || opaque label<7..255> = "tls13 " + Label || opaque context<0..255>`.
    ///
    /// Throws ``CryptoError/invalidLabel`` if the label or context do not fit those bounds,
    /// plus the errors of ``expand(prk:info:outputByteCount:)``.
    public static func expandLabel(
        secret: some Collection<UInt8>, label: String, context: some Collection<UInt8>,
        outputByteCount: Int
    ) throws(CryptoError) -> SecureBytes {
        let prefix: [UInt8] = Array("tls13 ".utf8)
        let fullLabelCount = prefix.count + label.utf8.count
        // RFC 8446 §7.1: opaque label<7..255>, opaque context<0..255>, uint16 length.
        guard (7...255).contains(fullLabelCount), context.count <= 255 else { throw .invalidLabel }
        guard (0...0xffff).contains(outputByteCount) else {
            throw outputByteCount < 0
                ? .invalidOutputSize(allowed: 0...maximumOutputByteCount, actual: outputByteCount)
                : .outputTooLong
        }
        var info: [UInt8] = []
        info.reserveCapacity(4 + fullLabelCount + context.count)
        info.append(UInt8(outputByteCount >> 8))
        info.append(UInt8(outputByteCount & 0xff))
        info.append(UInt8(fullLabelCount))
        info.append(contentsOf: prefix)
        info.append(contentsOf: label.utf8)
        info.append(UInt8(context.count))
        info.append(contentsOf: context)
        return try expand(prk: secret, info: info, outputByteCount: outputByteCount)
    }

    /// RFC 8446 §7.1 Derive-Secret:
    /// `HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length)`; the caller
    /// passes the transcript hash it already maintains.
    public static func deriveSecret(
        secret: some Collection<UInt8>, label: String, transcriptHash: some Collection<UInt8>
    ) throws(CryptoError) -> SecureBytes {
        try expandLabel(
            secret: secret, label: label, context: transcriptHash, outputByteCount: H.digestByteCount)
    }
}
