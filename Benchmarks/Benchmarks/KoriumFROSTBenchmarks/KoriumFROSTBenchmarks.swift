// KoriumFROST benchmarks: per-participant round one (commit) and round two (sign) time and the
// coordinator's aggregation (including the final signature check) for 2-of-3, 7-of-10 and
// 67-of-100 trusted-dealer groups, and a whole 7-of-10 DKG ceremony (all ten participants'
// work, one after another, on one core).
import Benchmark
import KoriumCrypto
import KoriumFROST

/// Short runs: the suite must stay a couple of minutes on a shared 2-core machine.
func config(_ maxIterations: Int) -> Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .microseconds,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: maxIterations
    )
}

/// A dealt group with one complete signing session (commitments, shares) to replay.
final class Session: Sendable {
    let keys: [KeyPackage]
    let group: PublicKeyPackage
    let package: SigningPackage
    let shares: [SignatureShare]
    /// Participant 0's encoded nonces for `package` (decoded afresh before each timed sign).
    let signerNonces: [UInt8]

    init(t: Int, n: Int) throws {
        let dealt = try TrustedDealer.generate(minSigners: t, maxSigners: n)
        keys = try dealt.shares.map { try KeyPackage(verifying: $0) }
        group = dealt.publicKeyPackage
        let signers = Array(keys.prefix(t))
        var encoded: [[UInt8]] = []
        var commitments: [SigningCommitments] = []
        for kp in signers {
            let nonces = FROST.commit(keyPackage: kp)
            commitments.append(nonces.commitments)
            encoded.append(try nonces.wireBytes())
        }
        package = try SigningPackage(commitments: commitments, message: Array("korium frost benchmark".utf8))
        var shares: [SignatureShare] = []
        for (kp, bytes) in zip(signers, encoded) {
            shares.append(try FROST.sign(signingPackage: package, nonces: try SigningNonces(wireBytes: bytes), keyPackage: kp))
        }
        self.shares = shares
        signerNonces = encoded[0]
    }
}

/// Sessions are globals, so each is built lazily, once, by the first benchmark that needs it
/// (building 67-of-100 signs 67 shares).
let session2of3 = Result { try Session(t: 2, n: 3) }
let session7of10 = Result { try Session(t: 7, n: 10) }
let session67of100 = Result { try Session(t: 67, n: 100) }

func session(_ t: Int) throws -> Session {
    switch t {
    case 2: return try session2of3.get()
    case 7: return try session7of10.get()
    default: return try session67of100.get()
    }
}

let benchmarks: @Sendable () -> Void = {
    // Round one does not depend on the group size: two nonces and two base multiplications.
    Benchmark("FROST round 1 commit (per participant, any t-of-n)", configuration: config(20_000)) { benchmark in
        let s = try session(2)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(FROST.commit(keyPackage: s.keys[0]).commitments) }
        benchmark.stopMeasurement()
    }
    for (t, n, iterations) in [(2, 3, 2_000), (7, 10, 500), (67, 100, 60)] {
        let name = "\(t)-of-\(n)"
        Benchmark("FROST \(name) round 2 sign (per participant)", configuration: config(iterations)) { benchmark in
            let session = try session(t)
            for _ in benchmark.scaledIterations {
                let nonces = try SigningNonces(wireBytes: session.signerNonces)
                benchmark.startMeasurement()
                let share = try FROST.sign(signingPackage: session.package, nonces: nonces, keyPackage: session.keys[0])
                benchmark.stopMeasurement()
                blackHole(share)
            }
        }
        Benchmark("FROST \(name) aggregate + verify (coordinator)", configuration: config(iterations)) { benchmark in
            let session = try session(t)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(
                    try FROST.aggregate(
                        signingPackage: session.package, signatureShares: session.shares, publicKeyPackage: session.group))
            }
            benchmark.stopMeasurement()
        }
    }
    Benchmark("FROST DKG 7-of-10 whole ceremony (10 participants, sequential)", configuration: config(20)) { benchmark in
        let (t, n) = (7, 10)
        let ids = try (1...n).map { i throws(FROSTError) in try FROSTIdentifier(i) }
        for _ in benchmark.scaledIterations {
            var s1: [DKG.Round1Secret] = []
            var r1: [DKGRound1Package] = []
            for id in ids {
                let (s, p) = try DKG.part1(identifier: id, minSigners: t, maxSigners: n)
                s1.append(s)
                r1.append(p)
            }
            var s2: [DKG.Round2Secret] = []
            var r2: [DKGRound2Package] = []
            for s in s1 {
                let (x, p) = try DKG.part2(secret: s, round1Packages: r1.filter { $0.identifier != s.identifier })
                s2.append(x)
                r2 += p
            }
            for s in s2 {
                blackHole(
                    try DKG.part3(
                        secret: s, round1Packages: r1.filter { $0.identifier != s.identifier },
                        round2Packages: r2.filter { $0.recipient == s.identifier }))
            }
        }
    }
}
