/// Why DER bytes were rejected. The reader is strict (X.690 §10 DER, not BER): definite minimal
/// lengths only, low tag numbers only, no trailing bytes, bounded depth and size.
public enum DERError: Error, Equatable, Sendable {
    /// The input ended inside an element.
    case truncated
    /// A BER indefinite length (0x80), forbidden in DER (X.690 §10.1).
    case indefiniteLength
    /// A length not in its shortest form (X.690 §10.1).
    case nonMinimalLength
    /// A length or input above ``DER/maxInputSize``.
    case tooLarge(Int)
    /// A high-tag-number form tag (0x1f), which X.509 never needs.
    case unsupportedTag
    /// Nesting deeper than ``DER/maxDepth``.
    case depthExceeded
    /// More than ``DER/maxChildren`` elements inside one constructed element.
    case tooManyElements
    /// Bytes after the outermost element.
    case trailingBytes(Int)
    /// An element with another tag than the schema expects.
    case unexpectedTag(expected: UInt8, actual: UInt8)
    /// A missing mandatory element.
    case missingElement(String)
    /// A primitive value that is not valid DER for its type (INTEGER padding, BOOLEAN, time...).
    case invalidValue(String)
}
