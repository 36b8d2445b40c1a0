/// A CSV document (RFC 4180: comma separated, CRLF-free `\n` line ends, fields with a comma,
/// quote or newline are quoted and inner quotes doubled). Built in memory; the CLI writes it.
public struct SimCSV: Sendable {
    /// The document so far, header first.
    public private(set) var text: String
    /// The number of columns every row must have.
    public let columnCount: Int

    /// A document with the given header row.
    public init(header: [String]) {
        columnCount = header.count
        text = ""
        appendLine(header)
    }

    /// Appends a data row; it must have exactly `columnCount` fields.
    public mutating func row(_ fields: [String]) {
        precondition(fields.count == columnCount, "SimCSV: row has \(fields.count) fields, header has \(columnCount)")
        appendLine(fields)
    }

    private mutating func appendLine(_ fields: [String]) {
        text += fields.map(Self.escape).joined(separator: ",")
        text += "\n"
    }

    /// One field, quoted when RFC 4180 requires it.
    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        var out = "\""
        for c in field {
            if c == "\"" { out += "\"\"" } else { out.append(c) }
        }
        return out + "\""
    }
}
