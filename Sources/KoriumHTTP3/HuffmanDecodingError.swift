/// Why a Huffman-coded string literal (RFC 7541 §5.2) was rejected.
public enum HuffmanDecodingError: Error, Hashable, Sendable {
    /// The string contained the EOS symbol, which MUST be treated as a decoding error.
    case endOfStringSymbol
    /// The padding after the last symbol was longer than 7 bits.
    case paddingTooLong
    /// The padding after the last symbol was not the most significant bits of EOS (all ones).
    case paddingNotAllOnes
}
