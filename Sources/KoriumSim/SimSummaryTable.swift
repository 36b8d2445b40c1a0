/// A compact text table for the end of every `korium sim …` run (no I/O: it renders a String).
///
/// ```
/// metric            value
/// ----------------  ---------
/// nodes             10,000
/// delivery p50      182.31ms
/// ```
/// Columns are padded to their widest cell; cells that look numeric are right-aligned.
public struct SimSummaryTable: Sendable {
    /// The header row.
    public let header: [String]
    /// The data rows.
    public private(set) var rows: [[String]] = []

    /// A table with the given column titles.
    public init(header: [String]) { self.header = header }

    /// A two-column "metric / value" table.
    public static func keyValue() -> SimSummaryTable { SimSummaryTable(header: ["metric", "value"]) }

    /// Appends a row (short rows are padded with empty cells, long ones cut).
    public mutating func add(_ cells: [String]) {
        var row = Array(cells.prefix(header.count))
        while row.count < header.count { row.append("") }
        rows.append(row)
    }

    /// Appends a `name: value` row to a two-column table.
    public mutating func add(_ name: String, _ value: String) { add([name, value]) }

    /// Appends the count/p50/p90/p99/max of a histogram of nanoseconds as one row per statistic.
    public mutating func addLatency(_ name: String, _ h: SimHistogram) {
        guard h.count > 0 else {
            add(name, "no samples")
            return
        }
        add(name + " p50", SimFormat.duration(nanoseconds: Int64(clamping: h.p50)))
        add(name + " p90", SimFormat.duration(nanoseconds: Int64(clamping: h.p90)))
        add(name + " p99", SimFormat.duration(nanoseconds: Int64(clamping: h.p99)))
        add(name + " max", SimFormat.duration(nanoseconds: Int64(clamping: h.max)))
    }

    /// The rendered table, one line per row, each ending in a newline.
    public func render() -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts = [String]()
            for (i, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                let last = i == cells.count - 1
                if Self.looksNumeric(cell) && i > 0 {
                    parts.append(pad + cell)
                } else {
                    parts.append(last ? cell : cell + pad)
                }
            }
            return parts.joined(separator: "  ")
        }
        var out = line(header) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }

    static func looksNumeric(_ s: String) -> Bool {
        guard let first = s.first else { return false }
        return first.isNumber || (first == "-" && s.dropFirst().first?.isNumber == true)
    }
}

/// A one-line progress bar (no I/O): `[########------------]  40.0%  t=24.000s  label`.
public struct SimProgressBar: Sendable {
    /// Bar width in characters between the brackets.
    public var width: Int

    /// A bar `width` characters wide.
    public init(width: Int = 30) { self.width = max(1, width) }

    /// The bar for `fraction` (clamped to 0…1) followed by `detail`.
    public func render(fraction: Double, detail: String = "") -> String {
        let f = fraction.isNaN ? 0 : min(1, max(0, fraction))
        let filled = Int((f * Double(width)).rounded(.down))
        var s = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
        let pct = SimFormat.fixed(f * 100, decimals: 1) + "%"
        s += String(repeating: " ", count: max(0, 6 - pct.count)) + pct
        if !detail.isEmpty { s += "  " + detail }
        return s
    }
}
