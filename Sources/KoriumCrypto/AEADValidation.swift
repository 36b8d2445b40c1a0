/// Shared argument checks for the libsodium AEAD wrappers (run before any C call, so a wrong
/// size becomes a typed error and never reaches libsodium's `sodium_misuse()` abort).
@inline(__always)
func validateAEADArguments(
    messageCount: Int, maximumMessageCount: Int, tagCount: Int, expectedTagCount: Int,
    nonceCount: Int, expectedNonceCount: Int
) throws(CryptoError) {
    guard nonceCount == expectedNonceCount else {
        throw .invalidNonceSize(expected: expectedNonceCount, actual: nonceCount)
    }
    guard tagCount == expectedTagCount else { throw .invalidTagSize }
    guard messageCount <= maximumMessageCount else {
        throw .messageTooLong(maximum: maximumMessageCount, actual: messageCount)
    }
}

extension AEADCipher {
    /// ``validateAEADArguments(messageCount:maximumMessageCount:tagCount:expectedTagCount:nonceCount:expectedNonceCount:)``
    /// against this cipher's tag and nonce sizes.
    @inline(__always)
    static func validateArguments(
        message: UnsafeRawBufferPointer, maximumMessageCount: Int, tag: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer
    ) throws(CryptoError) {
        try validateAEADArguments(
            messageCount: message.count, maximumMessageCount: maximumMessageCount, tagCount: tag.count,
            expectedTagCount: tagByteCount, nonceCount: nonce.count, expectedNonceCount: nonceByteCount)
    }
}
