import Foundation
import KoriumCrypto
import Testing

@testable import KoriumFROST

/// Parses a hex literal (whitespace ignored); traps on malformed input, which is test data.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8.filter { !($0 == 32 || $0 == 10 || $0 == 9) })
    precondition(digits.count % 2 == 0, "odd number of hex digits")
    var out: [UInt8] = []
    out.reserveCapacity(digits.count / 2)
    var i = 0
    while i < digits.count {
        guard let b = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else {
            preconditionFailure("bad hex")
        }
        out.append(b)
        i += 2
    }
    return out
}

/// Lower-case hex.
func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

/// The repository root, found from this file's path (Tests/KoriumFROSTTests/TestSupport.swift).
let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// SplitMix64: a small seeded generator so random tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One signature to check independently.
struct SignatureCheck {
    let publicKey: [UInt8]
    let signature: [UInt8]
    let message: [UInt8]
}

/// Verifies with Python `cryptography` (OpenSSL) through Tests/Interop/verify_ed25519.py and the
/// repository's `.venv` (made by `make setup`). Fails the test, never skips, if Python is absent.
func verifyWithOpenSSL(_ checks: [SignatureCheck]) throws -> [Bool] {
    let python = repositoryRoot.appendingPathComponent(".venv/bin/python")
    let script = repositoryRoot.appendingPathComponent("Tests/Interop/verify_ed25519.py")
    #expect(FileManager.default.isExecutableFile(atPath: python.path), "missing \(python.path): run `make setup`")
    let process = Process()
    process.executableURL = python
    process.arguments = [script.path]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    var text = ""
    for c in checks {
        text += "\(hexString(c.publicKey)) \(hexString(c.signature)) \(c.message.isEmpty ? "-" : hexString(c.message))\n"
    }
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    #expect(lines.count == checks.count)
    return lines.map { $0 == "valid" }
}

/// Verifies with libsodium's `crypto_sign_verify_detached` through KoriumCrypto's Ed25519.
func verifyWithLibsodium(_ c: SignatureCheck) -> Bool {
    guard let pk = try? Ed25519.PublicKey(rawRepresentation: c.publicKey) else { return false }
    return pk.isValidSignature(c.signature, for: c.message)
}

/// Runs a full signing session among `signers` (their key packages) and returns the signature.
func signSession(
    message: [UInt8], keyPackages: [KeyPackage], publicKeyPackage: PublicKeyPackage,
    using rng: inout SplitMix64
) throws -> Signature {
    let boxes = keyPackages.map { NonceBox(FROST.commit(keyPackage: $0, using: &rng)) }
    let package = try SigningPackage(commitments: boxes.map(\.commitments), message: message)
    var shares: [SignatureShare] = []
    for (kp, box) in zip(keyPackages, boxes) {
        shares.append(try FROST.sign(signingPackage: package, nonces: box.take(), keyPackage: kp))
    }
    return try FROST.aggregate(signingPackage: package, signatureShares: shares, publicKeyPackage: publicKeyPackage)
}

/// Holds one participant's `~Copyable` nonces between the rounds (arrays need copyable elements).
final class NonceBox {
    private var nonces: SigningNonces?
    let commitments: SigningCommitments

    init(_ nonces: consuming SigningNonces) {
        commitments = nonces.commitments
        self.nonces = consume nonces
    }

    /// Hands the nonces out exactly once.
    func take() -> SigningNonces {
        guard let n = nonces.take() else { preconditionFailure("nonces already used") }
        return n
    }
}
