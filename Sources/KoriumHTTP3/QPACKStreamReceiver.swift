import KoriumWire

/// Reads the peer's QPACK encoder or decoder stream (RFC 9204 §4.2) for an endpoint that
/// advertises a dynamic table capacity of 0 and never references the dynamic table itself.
///
/// Encoder stream (§4.3): Set Dynamic Table Capacity 0 is the only valid instruction; a larger
/// capacity, an insertion or a duplication is QPACK_ENCODER_STREAM_ERROR. Decoder stream
/// (§4.4): Stream Cancellation is accepted; a Section Acknowledgment (we never send a section
/// with a non-zero Required Insert Count) or an Insert Count Increment (we never insert) is
/// QPACK_DECODER_STREAM_ERROR. Instructions may be split across deliveries; at most one partial
/// instruction (≤ 11 bytes) is held.
public struct QPACKStreamReceiver: Sendable {
    /// Which of the peer's QPACK streams this reads.
    public enum Kind: Sendable, Hashable {
        /// The peer's encoder stream (type 0x02).
        case encoder
        /// The peer's decoder stream (type 0x03).
        case decoder
    }

    /// The stream kind.
    public let kind: Kind
    /// Bytes of an instruction not yet complete.
    var pending: [UInt8] = []

    /// A reader for a new stream of `kind`.
    public init(kind: Kind) { self.kind = kind }

    /// Processes `bytes`; throws the first invalid instruction.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer) throws(QPACKError) {
        pending.append(contentsOf: bytes)
        let kind = self.kind
        let consumed: Result<Int, QPACKError> = pending.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            while !reader.isAtEnd {
                let start = reader.offset
                do throws(QPACKError) {
                    try Self.instruction(kind, &reader)
                } catch .truncated {
                    return .success(start)
                } catch {
                    return .failure(error)
                }
            }
            return .success(reader.offset)
        }
        switch consumed {
        case .success(let count): pending.removeFirst(count)
        case .failure(let error): throw error
        }
    }

    /// Reads one instruction.
    static func instruction(_ kind: Kind, _ reader: inout ByteReader) throws(QPACKError) {
        guard let first = try? reader.peekUInt8() else { throw .truncated }
        switch kind {
        case .encoder:
            // §4.3.1 Set Dynamic Table Capacity: 001 capacity(5); must not exceed our 0.
            if first & 0xe0 == 0x20 {
                guard try PrefixInteger.decode(from: &reader, prefixBits: 5) == 0 else { throw .tableCapacityExceeded }
                return
            }
            // §4.3.2–§4.3.4: Insert with Name Reference (1), with Literal Name (01), Duplicate
            // (000): all exceed a capacity of 0 (§3.2.2).
            throw .dynamicTableInsert
        case .decoder:
            if first & 0x80 != 0 {
                // §4.4.1 Section Acknowledgment.
                _ = try PrefixInteger.decode(from: &reader, prefixBits: 7)
                throw .unexpectedSectionAcknowledgment
            }
            if first & 0x40 != 0 {
                // §4.4.2 Stream Cancellation: nothing to release without dynamic references.
                _ = try PrefixInteger.decode(from: &reader, prefixBits: 6)
                return
            }
            // §4.4.3 Insert Count Increment: 0 or beyond our (zero) inserts is an error.
            _ = try PrefixInteger.decode(from: &reader, prefixBits: 6)
            throw .invalidInsertCountIncrement
        }
    }
}
