import Foundation

/// Runs vector files: the project's own format (`algorithm` + `tests[]`) and the Wycheproof
/// schema (`algorithm` + `testGroups[].tests[]`), both described in Vectors/README.md.
///
/// Each case's verdict from ``VectorDispatch`` is held against its expected `result`:
/// `valid` must be accepted, `invalid` must be rejected, `acceptable` passes either way and the
/// decision is tallied per flag. Unsupported parameters and unknown algorithms are skipped and
/// counted; a file that cannot be read or parsed gives an error row counted as one failure.
enum VectorRunner {
    /// At most this many failing cases are listed per file (the counts are always complete).
    static let failureDetailCap = 5

    /// All `.json` files under `paths` (directories recursed), each directory's files sorted.
    /// A path that does not exist yields an error report rather than an exception.
    static func run(paths: [String], check: (String) -> VectorCheck? = VectorDispatch.check(for:)) -> [FileReport] {
        var reports: [FileReport] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                reports.append(FileReport(name: path, error: "no such file or directory"))
                continue
            }
            if isDirectory.boolValue {
                let files = jsonFiles(under: path)
                if files.isEmpty { reports.append(FileReport(name: path, error: "no .json vector files")) }
                for file in files {
                    reports.append(runFile(atPath: file, name: relative(file, to: path), check: check))
                }
            } else {
                reports.append(runFile(atPath: path, name: path, check: check))
            }
        }
        return reports
    }

    static func jsonFiles(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let entry = enumerator.nextObject() as? String {
            if entry.hasSuffix(".json") { files.append((directory as NSString).appendingPathComponent(entry)) }
        }
        return files.sorted()
    }

    static func relative(_ path: String, to root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    static func runFile(atPath path: String, name: String, check: (String) -> VectorCheck? = VectorDispatch.check(for:)) -> FileReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            return FileReport(name: name, error: "cannot read file")
        }
        return run(data: data, name: name, check: check)
    }

    static func run(data: Data, name: String, check: (String) -> VectorCheck? = VectorDispatch.check(for:)) -> FileReport {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            return FileReport(name: name, error: "not valid JSON")
        }
        guard let document = object as? [String: Any] else {
            return FileReport(name: name, error: "top level is not a JSON object")
        }
        if let (algorithm, tests) = VectorLayouts.adapt(document) {
            return judge(algorithm: algorithm, cases: tests.map { VectorCase(test: $0) }, name: name, check: check)
        }
        guard let algorithm = document["algorithm"] as? String else {
            return FileReport(name: name, error: "no \"algorithm\" string")
        }
        // Flatten both layouts into (group, test) pairs.
        var cases: [VectorCase] = []
        if let groups = document["testGroups"] {
            guard let groups = groups as? [[String: Any]] else {
                return FileReport(name: name, error: "\"testGroups\" is not an array of objects")
            }
            for group in groups {
                guard let tests = group["tests"] as? [[String: Any]] else {
                    return FileReport(name: name, error: "a test group has no \"tests\" array of objects")
                }
                cases += tests.map { VectorCase(test: $0, group: group) }
            }
        } else if let tests = document["tests"] {
            guard let tests = tests as? [[String: Any]] else {
                return FileReport(name: name, error: "\"tests\" is not an array of objects")
            }
            cases = tests.map { VectorCase(test: $0) }
        } else {
            return FileReport(name: name, error: "neither \"tests\" nor \"testGroups\"")
        }
        if let declared = document["numberOfTests"] as? Int, declared != cases.count {
            return FileReport(name: name, error: "numberOfTests is \(declared) but the file has \(cases.count) tests")
        }

        return judge(algorithm: algorithm, cases: cases, name: name, check: check)
    }

    static func judge(
        algorithm: String, cases: [VectorCase], name: String, check: (String) -> VectorCheck?
    ) -> FileReport {
        var report = FileReport(name: name)
        guard let run = check(algorithm) else {
            report.skipped = cases.count
            report.skipReasons["no implementation of \(algorithm)", default: 0] += cases.count
            return report
        }
        for test in cases { judge(test, with: run, into: &report) }
        return report
    }

    static func judge(_ test: VectorCase, with check: VectorCheck, into report: inout FileReport) {
        let expected = test.fields["result"] as? String ?? "valid"
        guard ["valid", "invalid", "acceptable"].contains(expected) else {
            report.fail(test, "unknown result \"\(expected)\"")
            return
        }
        let verdict: VectorVerdict
        do {
            verdict = try check(test)
        } catch {
            switch error {
            case .skipped(let reason):
                report.skipped += 1
                report.skipReasons[reason, default: 0] += 1
            case .malformed(let reason):
                report.fail(test, "malformed vector: \(reason)")
            }
            return
        }
        switch (expected, verdict) {
        case ("valid", .accepted), ("invalid", .rejected):
            report.passed += 1
        case ("valid", .rejected(let why)):
            report.fail(test, "expected valid, rejected: \(why)")
        case ("invalid", .accepted):
            report.fail(test, "expected invalid, accepted")
        default:  // acceptable: either decision passes; record which, per flag.
            report.passed += 1
            let accepted = verdict == .accepted
            report.acceptable.record(accepted: accepted, flags: test.flags)
        }
    }
}

/// One file's tally.
struct FileReport {
    var name: String
    var passed = 0
    var failed = 0
    var skipped = 0
    /// Set when the file could not be run at all; counted as one failure.
    var error: String?
    var skipReasons: [String: Int] = [:]
    var acceptable = AcceptableTally()
    /// The first ``VectorRunner/failureDetailCap`` failures: "tcId N (comment): why".
    var failures: [String] = []

    init(name: String, error: String? = nil) {
        self.name = name
        self.error = error
        if error != nil { failed = 1 }
    }

    mutating func fail(_ test: VectorCase, _ why: String) {
        failed += 1
        if failures.count < VectorRunner.failureDetailCap {
            let comment = test.comment.isEmpty ? "" : " (\(test.comment))"
            failures.append("tcId \(test.id)\(comment): \(why)")
        }
    }
}

/// How the `acceptable` cases went: our decision for each, by Wycheproof flag.
struct AcceptableTally: Equatable {
    var accepted = 0
    var rejected = 0
    /// flag → (accepted, rejected)
    var byFlag: [String: [Int]] = [:]

    var total: Int { accepted + rejected }

    mutating func record(accepted isAccepted: Bool, flags: [String]) {
        if isAccepted { accepted += 1 } else { rejected += 1 }
        for flag in flags {
            var counts = byFlag[flag] ?? [0, 0]
            counts[isAccepted ? 0 : 1] += 1
            byFlag[flag] = counts
        }
    }
}
