import Foundation
import KoriumCrypto
import KoriumFROST
import Testing

@testable import KoriumCLI

@Suite("korium frost")
struct FrostCommandTests {
    private func temporaryFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("korium-frost-\(UInt64.random(in: 0...UInt64.max))").path
    }

    @Test("dealer and dkg write key packages that sign; verify accepts the result and rejects another message")
    func dealerDKGSignVerify() throws {
        for ceremony in ["dealer", "dkg"] {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            if ceremony == "dealer" {
                try FrostDealerCommand.parse(["-t", "2", "-n", "3", "-o", folder]).run()
            } else {
                try FrostDKGCommand.parse(["-t", "2", "-n", "3", "-o", folder]).run()
            }
            let (keys, pkp) = try FrostFiles.read(from: folder)
            #expect(keys.count == 3)
            let mode = try FileManager.default.attributesOfItem(atPath: folder + "/key-package-1.json")[.posixPermissions] as? Int
            #expect(mode == 0o600)
            // The sign command runs end to end on the files.
            try FrostSignCommand.parse(["-k", folder, "-s", "1,3", "-m", "hello"]).run()
            #expect(throws: FrostFailure.self) { try FrostSignCommand.parse(["-k", folder, "-s", "2", "-m", "x"]).run() }
            // A signature from the same key packages verifies with the verify command.
            let holders = [keys[0], keys[2]].map { FrostNonceHolder(FROST.commit(keyPackage: $0)) }
            let package = try SigningPackage(commitments: holders.map(\.commitments), message: Array("hello".utf8))
            let shares = try zip([keys[0], keys[2]], holders).map { kp, h in
                try FROST.sign(signingPackage: package, nonces: h.take(), keyPackage: kp)
            }
            let sig = try FROST.aggregate(signingPackage: package, signatureShares: shares, publicKeyPackage: pkp)
            let key = Hex.encode(pkp.groupPublicKey.bytes)
            try FrostVerifyCommand.parse(["--group-key", key, "-m", "hello", "-S", Hex.encode(sig.bytes)]).run()
            #expect(throws: (any Error).self) {
                try FrostVerifyCommand.parse(["--group-key", key, "-m", "hellO", "-S", Hex.encode(sig.bytes)]).run()
            }
        }
    }
}
