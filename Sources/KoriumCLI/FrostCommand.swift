import ArgumentParser
import Foundation
import KoriumCrypto
import KoriumFROST
import KoriumWire

/// `korium frost dealer|dkg|sign|verify|bench`: FROST(Ed25519, SHA-512) threshold signing for
/// operators and for checking by hand. Output is JSON Lines (one object per line: one per round
/// for `dkg` and `sign`, then the result); bytes are lower-case hex.
struct FrostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frost",
        abstract: "FROST(Ed25519, SHA-512) threshold signatures (RFC 9591).",
        subcommands: [
            FrostDealerCommand.self, FrostDKGCommand.self, FrostSignCommand.self, FrostVerifyCommand.self,
            FrostBenchCommand.self,
        ]
    )
}

/// Threshold options shared by `dealer` and `dkg`.
struct FrostThresholdOptions: ParsableArguments {
    @Option(name: [.customShort("t"), .long], help: "Signers needed (2…n).")
    var threshold: Int

    @Option(name: [.customShort("n"), .long], help: "Participants (t…1024).")
    var participants: Int

    @Option(name: .shortAndLong, help: "Folder for key-package-<id>.json and public-key-package.json.")
    var out: String
}

/// `korium frost dealer`: trusted-dealer key generation with VSS (RFC 9591 Appendix C).
struct FrostDealerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dealer", abstract: "Split a fresh group key t-of-n with a trusted dealer; write key packages.")

    @OptionGroup var options: FrostThresholdOptions

    func run() throws {
        let dealt = try cli { () throws(FROSTError) in
            try TrustedDealer.generate(minSigners: options.threshold, maxSigners: options.participants)
        }
        var keys: [KeyPackage] = []
        for share in dealt.shares {
            // Each participant checks its share against the broadcast commitment (vss_verify).
            keys.append(try cli { () throws(FROSTError) in try KeyPackage(verifying: share) })
        }
        try FrostFiles.write(keys: keys, publicKeyPackage: dealt.publicKeyPackage, to: options.out)
        FrostJSON.print([
            "ceremony": "trusted-dealer",
            "threshold": options.threshold,
            "participants": options.participants,
            "groupPublicKey": Hex.encode(dealt.publicKeyPackage.groupPublicKey.bytes),
            "vssCommitment": dealt.commitment.coefficients.map { Hex.encode($0.bytes) },
            "verifyingShares": FrostJSON.verifyingShares(dealt.publicKeyPackage),
            "folder": options.out,
        ])
    }
}

/// `korium frost dkg`: simulates a Pedersen DKG with proofs of knowledge in-process.
struct FrostDKGCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dkg", abstract: "Run a t-of-n distributed key generation in-process; write key packages.")

    @OptionGroup var options: FrostThresholdOptions

    func run() throws {
        let t = options.threshold, n = options.participants
        let ids = try (1...max(1, n)).map { i in try cli { () throws(FROSTError) in try FROSTIdentifier(i) } }
        var secrets1: [DKG.Round1Secret] = []
        var round1: [DKGRound1Package] = []
        for id in ids {
            let (s, p) = try cli { () throws(FROSTError) in try DKG.part1(identifier: id, minSigners: t, maxSigners: n) }
            secrets1.append(s)
            round1.append(p)
        }
        FrostJSON.print([
            "round": 1,
            "broadcast": try round1.map { p in
                ["identifier": p.identifier.description, "package": Hex.encode(try p.wireBytes())]
            },
        ])
        var secrets2: [DKG.Round2Secret] = []
        var round2: [DKGRound2Package] = []
        for s in secrets1 {
            let (s2, packages) = try cli { () throws(FROSTError) in
                try DKG.part2(secret: s, round1Packages: round1.filter { $0.identifier != s.identifier })
            }
            secrets2.append(s2)
            round2 += packages
        }
        // Round-two packages carry secret shares: only their routing is printed.
        FrostJSON.print([
            "round": 2,
            "privateMessages": round2.map { ["from": $0.sender.description, "to": $0.recipient.description] },
        ])
        var keys: [KeyPackage] = []
        var publicPackages: [PublicKeyPackage] = []
        for s in secrets2 {
            let (kp, pkp) = try cli { () throws(FROSTError) in
                try DKG.part3(
                    secret: s, round1Packages: round1.filter { $0.identifier != s.identifier },
                    round2Packages: round2.filter { $0.recipient == s.identifier })
            }
            keys.append(kp)
            publicPackages.append(pkp)
        }
        guard let pkp = publicPackages.first, publicPackages.allSatisfy({ $0 == pkp }) else {
            throw ValidationError("participants disagree on the group info")
        }
        try FrostFiles.write(keys: keys, publicKeyPackage: pkp, to: options.out)
        FrostJSON.print([
            "ceremony": "dkg",
            "threshold": t,
            "participants": n,
            "groupPublicKey": Hex.encode(pkp.groupPublicKey.bytes),
            "verifyingShares": FrostJSON.verifyingShares(pkp),
            "folder": options.out,
        ])
    }
}

/// `korium frost sign`: t key packages + a message → an Ed25519 signature, printing each round.
struct FrostSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Sign a message with the key packages of some participants.")

    @Option(name: .shortAndLong, help: "Folder written by `frost dealer` or `frost dkg`.")
    var keys: String

    @Option(name: .shortAndLong, help: "Comma-separated signer identifiers (default: the first t).")
    var signers: String?

    @Option(name: .shortAndLong, help: "The message as UTF-8 text.")
    var message: String?

    @Option(name: .customLong("message-hex"), help: "The message as hex.")
    var messageHex: String?

    func run() throws {
        let msg = try FrostMessage.parse(text: message, hex: messageHex)
        let (all, pkp) = try FrostFiles.read(from: keys)
        let chosen: [KeyPackage]
        if let signers {
            let wanted = signers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            chosen = try wanted.map { w in
                guard let kp = all.first(where: { $0.identifier.description == w }) else {
                    throw ValidationError("no key package for participant \(w) in \(keys)")
                }
                return kp
            }
        } else {
            chosen = Array(all.prefix(pkp.minSigners))
        }
        // Round one: each signer commits; the nonces stay with the signer (here: in order).
        let noncesList = chosen.map { FrostNonceHolder(FROST.commit(keyPackage: $0)) }
        let commitments = noncesList.map(\.commitments)
        FrostJSON.print([
            "round": 1,
            "commitments": try commitments.map { c in
                [
                    "identifier": c.identifier.description, "hiding": Hex.encode(c.hiding.bytes),
                    "binding": Hex.encode(c.binding.bytes), "encoded": Hex.encode(try c.wireBytes()),
                ]
            },
        ])
        let package = try cli { () throws(FROSTError) in try SigningPackage(commitments: commitments, message: msg) }
        var shares: [SignatureShare] = []
        for (kp, holder) in zip(chosen, noncesList) {
            shares.append(try cli { () throws(FROSTError) in
                try FROST.sign(signingPackage: package, nonces: holder.take(), keyPackage: kp)
            })
        }
        FrostJSON.print([
            "round": 2,
            "signingPackage": Hex.encode(try package.wireBytes()),
            "signatureShares": shares.map { ["identifier": $0.identifier.description, "share": Hex.encode($0.share.bytes)] },
        ])
        let signature = try cli { () throws(FROSTError) in
            try FROST.aggregate(signingPackage: package, signatureShares: shares, publicKeyPackage: pkp)
        }
        FrostJSON.print([
            "signature": Hex.encode(signature.bytes),
            "groupPublicKey": Hex.encode(pkp.groupPublicKey.bytes),
            "message": Hex.encode(msg),
            "signers": chosen.map { $0.identifier.description },
        ])
    }
}

/// `korium frost verify`: checks an Ed25519 signature with libsodium (`crypto_sign_verify_detached`).
struct FrostVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Verify a signature under a group public key (plain Ed25519).")

    @Option(name: .customLong("group-key"), help: "The group public key (hex, 32 bytes).")
    var groupKey: String

    @Option(name: .shortAndLong, help: "The message as UTF-8 text.")
    var message: String?

    @Option(name: .customLong("message-hex"), help: "The message as hex.")
    var messageHex: String?

    @Option(name: [.customShort("S"), .long], help: "The signature (hex, 64 bytes).")
    var signature: String

    func run() throws {
        let msg = try FrostMessage.parse(text: message, hex: messageHex)
        guard let key = Hex.decode(groupKey), let sig = Hex.decode(signature) else {
            throw ValidationError("group key and signature must be hex")
        }
        let valid: Bool
        do {
            valid = try Ed25519.PublicKey(rawRepresentation: key).isValidSignature(sig, for: msg)
        } catch {
            throw ValidationError("invalid group public key: \(error)")
        }
        FrostJSON.print(["valid": valid, "groupPublicKey": groupKey, "message": Hex.encode(msg)])
        if !valid { throw ExitCode.failure }
    }
}

// MARK: Helpers

/// A FROST failure at run time (not a usage error): printed as `Error: …`, exit status 1.
struct FrostFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs a typed-throwing FROST call and turns its error into a readable CLI failure.
func cli<T>(_ body: () throws(FROSTError) -> T) throws -> T {
    do throws(FROSTError) {
        return try body()
    } catch {
        throw FrostFailure(description: "FROST: \(error)")
    }
}

/// Holds a signer's `~Copyable` nonces between the rounds.
final class FrostNonceHolder {
    private var nonces: SigningNonces?
    let commitments: SigningCommitments

    init(_ nonces: consuming SigningNonces) {
        commitments = nonces.commitments
        self.nonces = consume nonces
    }

    /// The nonces, once.
    func take() -> SigningNonces {
        guard let n = nonces.take() else { preconditionFailure("nonces used twice") }
        return n
    }
}

enum FrostMessage {
    static func parse(text: String?, hex: String?) throws -> [UInt8] {
        switch (text, hex) {
        case (let t?, nil): return Array(t.utf8)
        case (nil, let h?):
            guard let b = Hex.decode(h) else { throw ValidationError("--message-hex is not hex") }
            return b
        default: throw ValidationError("give exactly one of --message or --message-hex")
        }
    }
}

enum FrostJSON {
    static func print(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return
        }
        Swift.print(String(decoding: data, as: UTF8.self))
    }

    static func verifyingShares(_ pkp: PublicKeyPackage) -> [String: String] {
        var out: [String: String] = [:]
        for (id, share) in pkp.verifyingShares { out[id.description] = Hex.encode(share.bytes) }
        return out
    }
}

/// Key packages on disk: one JSON file per participant (secret) and one for the group info.
enum FrostFiles {
    static func write(keys: [KeyPackage], publicKeyPackage: PublicKeyPackage, to folder: String) throws {
        let dir = URL(fileURLWithPath: folder)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for kp in keys {
            let object: [String: Any] = [
                "identifier": kp.identifier.description,
                "groupPublicKey": Hex.encode(kp.groupPublicKey.bytes),
                "verifyingShare": Hex.encode(kp.verifyingShare.bytes),
                "minSigners": kp.minSigners,
                "keyPackage": Hex.encode(try kp.wireBytes()),
            ]
            let url = dir.appendingPathComponent("key-package-\(kp.identifier.description).json")
            try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: url)
            // Secret material: owner read/write only.
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        }
        let object: [String: Any] = [
            "groupPublicKey": Hex.encode(publicKeyPackage.groupPublicKey.bytes),
            "minSigners": publicKeyPackage.minSigners,
            "verifyingShares": FrostJSON.verifyingShares(publicKeyPackage),
            "publicKeyPackage": Hex.encode(try publicKeyPackage.wireBytes()),
        ]
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            .write(to: dir.appendingPathComponent("public-key-package.json"))
    }

    static func read(from folder: String) throws -> ([KeyPackage], PublicKeyPackage) {
        let dir = URL(fileURLWithPath: folder)
        func field(_ url: URL, _ key: String) throws -> [UInt8] {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
            guard let text = object?[key] as? String, let bytes = Hex.decode(text) else {
                throw ValidationError("\(url.lastPathComponent): missing hex field \(key)")
            }
            return bytes
        }
        func decode<T: WireDecodable>(_ type: T.Type, _ bytes: [UInt8], _ name: String) throws -> T {
            do throws(WireError) { return try T(wireBytes: bytes) } catch { throw ValidationError("\(name): \(error)") }
        }
        let pkp = try decode(
            PublicKeyPackage.self, try field(dir.appendingPathComponent("public-key-package.json"), "publicKeyPackage"),
            "public-key-package.json")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasPrefix("key-package-") && $0.hasSuffix(".json") }
        var keys = try names.map { name in
            try decode(KeyPackage.self, try field(dir.appendingPathComponent(name), "keyPackage"), name)
        }
        keys.sort { $0.identifier < $1.identifier }
        for kp in keys where kp.groupPublicKey != pkp.groupPublicKey {
            throw ValidationError("key package \(kp.identifier) belongs to another group")
        }
        return (keys, pkp)
    }
}
