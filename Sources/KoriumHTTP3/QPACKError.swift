/// Why a QPACK field section (RFC 9204 §4.5) or an instruction on a peer's QPACK encoder or
/// decoder stream (§4.3, §4.4) was rejected. ``code`` is the HTTP/3 error to close with.
public enum QPACKError: Error, Hashable, Sendable {
    /// The input ended inside an integer, a string or a field line representation.
    case truncated
    /// A prefix integer (RFC 7541 §5.1) was above 2^62−1 or used more than 10 bytes.
    case integerOverflow
    /// A Huffman-coded string literal did not decode.
    case huffman(HuffmanDecodingError)
    /// RFC 9204 §4.5.1.1: with a dynamic table capacity of 0 the only valid Required Insert
    /// Count is 0.
    case nonZeroRequiredInsertCount
    /// RFC 9204 §4.5.1.2: Sign bit 1 with Delta Base ≥ Required Insert Count (negative Base).
    case negativeBase
    /// A field line referenced the dynamic table, which we advertise with capacity 0.
    case dynamicTableReference
    /// A static-table index above 98 (RFC 9204 Appendix A).
    case staticIndexOutOfRange
    /// The decoded field section exceeds the configured size (RFC 9114 §4.2.2 counting).
    case fieldSectionTooLarge
    /// The peer's encoder stream set a dynamic table capacity above our maximum of 0 (§4.3.1).
    case tableCapacityExceeded
    /// The peer's encoder stream inserted or duplicated an entry in a zero-capacity table.
    case dynamicTableInsert
    /// The peer's decoder stream acknowledged a field section we never sent with dynamic
    /// references (§4.4.1).
    case unexpectedSectionAcknowledgment
    /// The peer's decoder stream sent an Insert Count Increment of 0 or beyond our inserts (§4.4.3).
    case invalidInsertCountIncrement

    /// The HTTP/3 error code the connection closes with (RFC 9204 §6).
    public var code: HTTP3ErrorCode {
        switch self {
        case .truncated, .integerOverflow, .huffman, .nonZeroRequiredInsertCount, .negativeBase,
             .dynamicTableReference, .staticIndexOutOfRange:
            .qpackDecompressionFailed
        case .fieldSectionTooLarge: .excessiveLoad
        case .tableCapacityExceeded, .dynamicTableInsert: .qpackEncoderStreamError
        case .unexpectedSectionAcknowledgment, .invalidInsertCountIncrement: .qpackDecoderStreamError
        }
    }
}
