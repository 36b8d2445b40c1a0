/// Why a read, write or decode in KoriumWire failed.
///
/// Every parser built on KoriumWire reports malformed input with one of these cases instead of
/// trapping, so a peer can never crash us with bytes.
public enum WireError: Error, Equatable, Sendable {
    /// The input ended early: the read needed `needed` bytes but only `available` were left.
    case truncated(needed: Int, available: Int)
    /// A value is outside its domain (a varint above 2^62−1, an unknown enum raw value, a
    /// negative count, a boolean byte other than 0 or 1).
    case valueOutOfRange
    /// A length or count prefix is above the cap the caller allows for that field.
    case lengthExceedsLimit(length: Int, limit: Int)
    /// A varint used more bytes than necessary where a canonical encoding is required.
    case nonMinimalEncoding
    /// A whole-message decode finished with `count` bytes left unread.
    case trailingBytes(count: Int)
    /// A writer over a fixed caller buffer has no room: the write needed `needed` bytes but
    /// only `available` were free. Nothing was written.
    case bufferFull(needed: Int, available: Int)
    /// Any other semantic rejection, described by a short text.
    case invalid(String)
}
