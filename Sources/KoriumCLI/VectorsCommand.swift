import ArgumentParser

/// `korium vectors FILE|DIR…`: runs every test-vector file against KoriumCrypto / KoriumWire and
/// prints one row per file, then `N passed, N failed, N skipped`. Exits non-zero on any failure.
struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Run test-vector files (project format and Wycheproof schema).",
        discussion: "Directories are searched recursively for .json files, in sorted order. See Vectors/README.md."
    )

    @Argument(help: "Vector files or directories.")
    var paths: [String]

    func run() throws {
        let reports = VectorRunner.run(paths: paths)
        print(VectorTable.render(reports))
        if reports.contains(where: { $0.failed > 0 }) { throw ExitCode.failure }
    }
}

/// The text report: a header, one row per file (with notes and listed failures under it), and
/// the closing summary line.
enum VectorTable {
    static func render(_ reports: [FileReport]) -> String {
        let width = max(4, reports.map(\.name.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        func num(_ v: Int) -> String { let s = String(v); return String(repeating: " ", count: max(0, 6 - s.count)) + s }
        var lines = [pad("FILE", width) + "  PASSED  FAILED SKIPPED  NOTES"]
        for r in reports {
            lines.append(pad(r.name, width) + "  " + num(r.passed) + "  " + num(r.failed) + "  " + num(r.skipped)
                + "  " + notes(r))
            for failure in r.failures { lines.append("    FAILED " + failure) }
            if r.failed > r.failures.count + (r.error == nil ? 0 : 1) {
                lines.append("    … \(r.failed - r.failures.count) more failures")
            }
        }
        let passed = reports.reduce(0) { $0 + $1.passed }
        let failed = reports.reduce(0) { $0 + $1.failed }
        let skipped = reports.reduce(0) { $0 + $1.skipped }
        lines.append("\(passed) passed, \(failed) failed, \(skipped) skipped")
        return lines.joined(separator: "\n")
    }

    static func notes(_ r: FileReport) -> String {
        if let error = r.error { return "ERROR: \(error)" }
        var parts: [String] = []
        if r.acceptable.total > 0 {
            let flags = r.acceptable.byFlag.keys.sorted().map { flag in
                let c = r.acceptable.byFlag[flag] ?? [0, 0]
                return "\(flag) \(c[0])/\(c[1])"
            }
            parts.append("acceptable: \(r.acceptable.accepted) accepted, \(r.acceptable.rejected) rejected"
                + (flags.isEmpty ? "" : " [accepted/rejected by flag: " + flags.joined(separator: ", ") + "]"))
        }
        if !r.skipReasons.isEmpty {
            parts.append("skipped: " + r.skipReasons.keys.sorted().map { "\(r.skipReasons[$0] ?? 0) \($0)" }
                .joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }
}
