/// Values sampled over virtual time (e.g. k and α every minute, online nodes, success rate),
/// for a CSV next to the summary table. Bounded: at most `maxRows` rows; once full, every other
/// row is dropped and the sampling stride doubles, so a long run keeps an even, coarser series.
public struct SimTimeSeries: Sendable {
    /// Rows kept at most.
    public static let maxRows = 10_000

    /// Column names after the leading `time_s` column.
    public let columns: [String]
    /// The kept rows: virtual time and one value per column.
    public private(set) var rows: [(time: SimInstant, values: [Double])] = []
    private var stride = 1
    private var offered = 0

    /// A series with the given value columns.
    public init(columns: [String]) { self.columns = columns }

    /// Offers one sample; it is kept if it falls on the current stride.
    public mutating func add(_ time: SimInstant, _ values: [Double]) {
        precondition(values.count == columns.count, "SimTimeSeries: \(values.count) values for \(columns.count) columns")
        defer { offered += 1 }
        guard offered % stride == 0 else { return }
        rows.append((time, values))
        if rows.count >= Self.maxRows {
            rows = rows.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
            stride *= 2
        }
    }

    /// The series as CSV: `time_s,<columns…>`, values with 6 decimals.
    public func csv() -> String {
        var out = SimCSV(header: ["time_s"] + columns)
        for row in rows {
            out.row([SimFormat.fixed(row.time.sinceStart.seconds, decimals: 6)]
                + row.values.map { SimFormat.fixed($0, decimals: 6) })
        }
        return out.text
    }
}
