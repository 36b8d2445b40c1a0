import Foundation
import Testing

@testable import KoriumCLI

/// `korium vectors`: the runner's verdicts, counts and error rows, on small files written here
/// and on the repository's own Vectors/ directory.
@Suite("Vector runner")
struct VectorRunnerTests {
    /// SHA-256("abc") from FIPS 180-4 (Appendix B.1 of FIPS 180-2).
    static let sha256abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    static func report(_ json: String, check: (String) -> VectorCheck? = VectorDispatch.check(for:)) -> FileReport {
        VectorRunner.run(data: Data(json.utf8), name: "test.json", check: check)
    }

    @Test("a correct project-format file passes")
    func passingFile() {
        let r = Self.report(#"{"algorithm": "SHA-256", "source": "FIPS 180-4", "tests": [{"tcId": 1, "msg": "616263", "digest": "\#(Self.sha256abc)"}]}"#)
        #expect(r.error == nil)
        #expect((r.passed, r.failed, r.skipped) == (1, 0, 0))
    }

    @Test("a deliberately wrong expected value is counted as failed, with the case named")
    func wrongExpectedValue() {
        let wrong = "00" + Self.sha256abc.dropFirst(2)
        let r = Self.report(#"{"algorithm": "SHA-256", "tests": [{"tcId": 7, "comment": "tampered", "msg": "616263", "digest": "\#(wrong)"}, {"tcId": 8, "msg": "616263", "digest": "\#(Self.sha256abc)"}]}"#)
        #expect((r.passed, r.failed, r.skipped) == (1, 1, 0))
        #expect(r.failures.count == 1)
        #expect(r.failures.first?.hasPrefix("tcId 7 (tampered): expected valid, rejected") == true)
    }

    @Test("invalid cases must be rejected: an HMAC with a modified tag passes as invalid, fails as valid")
    func invalidCases() {
        let tag = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff6"  // RFC 4231 case 1, last bit flipped
        let base = #""key": "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "msg": "4869205468657265", "tag": "\#(tag)""#
        let asInvalid = Self.report(#"{"algorithm": "HMAC-SHA-256", "tests": [{\#(base), "result": "invalid"}]}"#)
        #expect((asInvalid.passed, asInvalid.failed) == (1, 0))
        let asValid = Self.report(#"{"algorithm": "HMAC-SHA-256", "tests": [{\#(base), "result": "valid"}]}"#)
        #expect((asValid.passed, asValid.failed) == (0, 1))
    }

    @Test("Wycheproof groups: acceptable cases pass either way and are tallied; unsupported ones are skipped")
    func wycheproofAcceptableAndSkipped() {
        // A stand-in check: accepts odd tcIds, rejects even ones, skips a 192-bit key size.
        let fake: VectorCheck = { (test: VectorCase) throws(VectorCaseIssue) -> VectorVerdict in
            if try test.int("keySize") == 192 { throw .skipped("AES-192 key") }
            return Int(test.id).map { $0 % 2 == 1 } == true ? .accepted : .rejected("even")
        }
        let json = #"""
        {"algorithm": "FAKE", "numberOfTests": 5, "testGroups": [
          {"type": "AeadTest", "keySize": 128, "tests": [
            {"tcId": 1, "comment": "", "flags": ["LowOrderPublic"], "result": "acceptable"},
            {"tcId": 2, "comment": "", "flags": ["LowOrderPublic"], "result": "acceptable"},
            {"tcId": 3, "comment": "", "flags": [], "result": "valid"},
            {"tcId": 4, "comment": "", "flags": [], "result": "invalid"}]},
          {"type": "AeadTest", "keySize": 192, "tests": [
            {"tcId": 5, "comment": "", "flags": [], "result": "valid"}]}]}
        """#
        let r = Self.report(json, check: { $0 == "FAKE" ? fake : nil })
        #expect((r.passed, r.failed, r.skipped) == (4, 0, 1))
        #expect(r.acceptable.accepted == 1 && r.acceptable.rejected == 1)
        #expect(r.acceptable.byFlag["LowOrderPublic"] == [1, 1])
        #expect(r.skipReasons == ["AES-192 key": 1])
        let notes = VectorTable.notes(r)
        #expect(notes.contains("acceptable: 1 accepted, 1 rejected"))
        #expect(notes.contains("skipped: 1 AES-192 key"))
    }

    @Test("an algorithm with no implementation is skipped and counted, not failed")
    func unknownAlgorithm() {
        let r = Self.report(#"{"algorithm": "SHA3-256", "tests": [{"msg": "", "digest": "00"}, {"msg": "", "digest": "00"}]}"#)
        #expect((r.passed, r.failed, r.skipped) == (0, 0, 2))
        #expect(r.skipReasons == ["no implementation of SHA3-256": 2])
    }

    @Test("malformed files give an error row counted as one failure; malformed cases fail")
    func malformed() {
        for (json, reason) in [
            ("{ not json", "not valid JSON"),
            ("[1, 2]", "top level is not a JSON object"),
            (#"{"tests": []}"#, #"no "algorithm" string"#),
            (#"{"algorithm": "SHA-256"}"#, #"neither "tests" nor "testGroups""#),
            (#"{"algorithm": "SHA-256", "tests": 3}"#, #""tests" is not an array of objects"#),
            (#"{"algorithm": "SHA-256", "numberOfTests": 2, "tests": []}"#, "numberOfTests is 2 but the file has 0 tests"),
        ] {
            let r = Self.report(json)
            #expect(r.error == reason)
            #expect((r.passed, r.failed, r.skipped) == (0, 1, 0))
            #expect(VectorTable.notes(r) == "ERROR: \(reason)")
        }
        let badHex = Self.report(#"{"algorithm": "SHA-256", "tests": [{"msg": "6162zz", "digest": "00"}, {"digest": "00"}, {"msg": "", "digest": "", "result": "maybe"}]}"#)
        #expect((badHex.passed, badHex.failed) == (0, 3))
        #expect(badHex.failures[0].contains("malformed vector: field 'msg' is not hex"))
        #expect(badHex.failures[1].contains("malformed vector: missing hex field 'msg'"))
        #expect(badHex.failures[2].contains("unknown result"))
    }

    @Test("directories are searched recursively in sorted order; the table ends with the summary line")
    func directoryAndTable() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("korium-vectors-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("b/c"), withIntermediateDirectories: true)
        let good = #"{"algorithm": "SHA-256", "tests": [{"msg": "616263", "digest": "\#(Self.sha256abc)"}]}"#
        try Data(good.utf8).write(to: root.appendingPathComponent("b/c/z.json"))
        try Data(good.utf8).write(to: root.appendingPathComponent("a.json"))
        try Data("oops".utf8).write(to: root.appendingPathComponent("b/bad.json"))
        try Data("not a vector".utf8).write(to: root.appendingPathComponent("b/notes.txt"))
        let reports = VectorRunner.run(paths: [root.path, root.appendingPathComponent("missing.json").path])
        #expect(reports.map(\.name).prefix(3) == ["a.json", "b/bad.json", "b/c/z.json"])
        #expect(reports.last?.error == "no such file or directory")
        let table = VectorTable.render(reports)
        #expect(table.split(separator: "\n").last == "2 passed, 2 failed, 0 skipped")
        #expect(table.contains("ERROR: not valid JSON"))
    }

    @Test("every file in the repository's Vectors/ runs without a failure")
    func repositoryVectors() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Vectors").path
        let reports = VectorRunner.run(paths: [root])
        #expect(reports.count >= 40)
        for r in reports {
            #expect(r.failed == 0, "\(r.name): \(r.error ?? r.failures.joined(separator: "; "))")
        }
        #expect(reports.reduce(0) { $0 + $1.passed } > 5_000)
    }
}
