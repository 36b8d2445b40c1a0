// Fuzz target: AEAD open (and seal/open round trips) for every AEADCipher in KoriumCrypto.
//
// The input picks a cipher and a mode, then is split into key, nonce, associated data and
// ciphertext||tag. Open over arbitrary bytes must throw a typed CryptoError (never trap) unless
// the bytes really are a sealed message (then the plaintext must seal back to them); wrong
// key/nonce sizes and short inputs must give their exact size errors; the in-place and
// allocating APIs must agree; a sealed message must open to its plaintext, and a single flipped
// bit (or changed associated data) must make open fail with .authenticationFailed.
import FuzzSupport
import KoriumCrypto

/// Every AEAD on main, tried in turn by the selector byte. AES-256-GCM needs AES-NI.
let ciphers: [(name: String, run: @Sendable (inout FuzzInput) -> Void)] = [
    ("ChaCha20Poly1305", { exercise(ChaCha20Poly1305.self, &$0) }),
    ("AES256GCM", { input in if AES256GCM.isAvailable { exercise(AES256GCM.self, &input) } }),
    ("AES128GCM", { exercise(AES128GCM.self, &$0) }),
]

/// Opens `ciphertextAndTag` with the allocating API and with the in-place API on the same
/// split, checks both agree, and returns the result.
func openBoth<C: AEADCipher>(
    _ cipher: C, _ ciphertextAndTag: [UInt8], nonce: [UInt8], aad: [UInt8]
) -> Result<[UInt8], CryptoError> {
    let allocating = Result { () throws(CryptoError) in try cipher.open(ciphertextAndTag, nonce: nonce, aad: aad) }
    guard ciphertextAndTag.count >= C.tagByteCount else {
        fuzzCheck(
            allocating == .failure(.bufferSize(needed: C.tagByteCount, available: ciphertextAndTag.count)),
            "short input: \(allocating)")
        return allocating
    }
    var message = Array(ciphertextAndTag.dropLast(C.tagByteCount))
    let tag = Array(ciphertextAndTag.suffix(C.tagByteCount))
    let inPlace: Result<[UInt8], CryptoError> = message.withUnsafeMutableBytes { m in
        tag.withUnsafeBytes { t in
            nonce.withUnsafeBytes { n in
                aad.withUnsafeBytes { a in
                    do throws(CryptoError) {
                        try cipher.openInPlace(m, tag: t, nonce: n, aad: a)
                        return .success([UInt8](m))
                    } catch { return .failure(error) }
                }
            }
        }
    }
    fuzzCheck(inPlace == allocating, "in-place open disagrees with open: \(inPlace) vs \(allocating)")
    return allocating
}

func exercise<C: AEADCipher>(_ type: C.Type, _ input: inout FuzzInput) {
    let mode = input.takeUInt8()
    let exactSizes = mode & 1 == 0
    let keyCount = exactSizes ? C.keyByteCount : input.takeInt(below: 48)
    let nonceCount = exactSizes ? C.nonceByteCount : input.takeInt(below: 24)
    let key = input.takeFixed(keyCount)
    let nonce = input.takeFixed(nonceCount)
    let aad = input.takeLengthPrefixed()

    let cipher: C
    do throws(CryptoError) { cipher = try C(key: key) } catch {
        fuzzCheck(error == .invalidKeySize(expected: C.keyByteCount, actual: keyCount) && keyCount != C.keyByteCount,
                  "key of \(keyCount) bytes: \(error)")
        return
    }
    fuzzCheck(keyCount == C.keyByteCount, "accepted a key of \(keyCount) bytes")

    if mode & 2 == 0 {
        // Arbitrary ciphertext||tag: rejected with a typed error, or (for a genuine sealed
        // message such as an RFC vector seed) opened to a plaintext that seals back to it.
        let ciphertextAndTag = input.takeRest()
        let result = openBoth(cipher, ciphertextAndTag, nonce: nonce, aad: aad)
        switch result {
        case .success(let plaintext):
            let resealed = Result { () throws(CryptoError) in try cipher.seal(plaintext, nonce: nonce, aad: aad) }
            fuzzCheck(resealed == .success(ciphertextAndTag), "opened a message that does not seal back (forgery)")
        case .failure(let error):
            if case .bufferSize = error { return }  // shorter than a tag: checked in openBoth
            if nonceCount != C.nonceByteCount {
                fuzzCheck(
                    error == .invalidNonceSize(expected: C.nonceByteCount, actual: nonceCount),
                    "nonce of \(nonceCount) bytes: \(error)")
            } else {
                fuzzCheck(error == .authenticationFailed, "unexpected error \(error)")
            }
        }
        return
    }

    // Seal the rest as plaintext, then open it intact and with one bit flipped.
    let flip = Int(input.takeUInt8()) | Int(input.takeUInt8()) << 8
    let plaintext = input.takeRest()
    let sealed: [UInt8]
    do throws(CryptoError) { sealed = try cipher.seal(plaintext, nonce: nonce, aad: aad) } catch {
        fuzzCheck(
            nonceCount != C.nonceByteCount && error == .invalidNonceSize(expected: C.nonceByteCount, actual: nonceCount),
            "seal failed: \(error)")
        return
    }
    fuzzCheck(sealed.count == plaintext.count + C.tagByteCount, "sealed length")
    fuzzCheck(openBoth(cipher, sealed, nonce: nonce, aad: aad) == .success(plaintext), "round trip failed")
    var tampered = sealed
    let bit = flip % (tampered.count * 8)
    tampered[bit / 8] ^= 1 << UInt8(bit % 8)
    fuzzCheck(openBoth(cipher, tampered, nonce: nonce, aad: aad) == .failure(.authenticationFailed), "bit flip accepted")
    if !aad.isEmpty {
        var otherAAD = aad
        otherAAD[flip % aad.count] ^= 0x80
        fuzzCheck(openBoth(cipher, sealed, nonce: nonce, aad: otherAAD) == .failure(.authenticationFailed), "aad change accepted")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAEADOpen(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.takeInt(below: ciphers.count)
    ciphers[selector].run(&input)
    return 0
}
