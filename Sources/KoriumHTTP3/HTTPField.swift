/// One HTTP field (a header or trailer line, or a pseudo-header such as `:path`) as octets:
/// QPACK carries names and values as byte strings (RFC 9204 §4.1.2), and the HTTP/3 rules on
/// which octets are allowed are checked by the session, not by the codec.
public struct HTTPField: Hashable, Sendable, CustomStringConvertible {
    /// The field name; lower case in HTTP/3 (RFC 9114 §4.2).
    public var name: [UInt8]
    /// The field value.
    public var value: [UInt8]

    /// A field from raw octets.
    @inlinable
    public init(name: [UInt8], value: [UInt8]) {
        self.name = name
        self.value = value
    }

    /// A field from text, stored as UTF-8.
    @inlinable
    public init(_ name: String, _ value: String) {
        self.name = Array(name.utf8)
        self.value = Array(value.utf8)
    }

    /// The entry size used for field-section limits: name + value + 32 (RFC 9114 §4.2.2,
    /// RFC 9204 §3.2.1).
    @inlinable
    public var size: Int { name.count &+ value.count &+ 32 }

    /// Whether the name starts with ':' (a pseudo-header field, RFC 9114 §4.3).
    @inlinable
    public var isPseudo: Bool { name.first == UInt8(ascii: ":") }

    /// `name: value`, with invalid UTF-8 repaired for display.
    public var description: String {
        String(decoding: name, as: UTF8.self) + ": " + String(decoding: value, as: UTF8.self)
    }
}
