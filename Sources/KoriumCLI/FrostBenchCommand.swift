import ArgumentParser
import KoriumCrypto
import KoriumFROST

/// `korium frost bench`: per-participant round-one and round-two time and coordinator
/// aggregation time for 2-of-3, 7-of-10 and 67-of-100, and a 7-of-10 DKG. Run it from a release
/// build (`swift run -c release korium frost bench`); numbers go to BENCHMARKS.md.
struct FrostBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Time FROST rounds, aggregation and DKG (use a release build).")

    @Option(name: .shortAndLong, help: "Signing sessions per configuration.")
    var iterations: Int = 20

    @Option(name: .customLong("dkg-iterations"), help: "DKG ceremonies.")
    var dkgIterations: Int = 5

    func run() throws {
        let clock = ContinuousClock()
        print("configuration  signers  round1/participant  round2/participant  aggregate(+verify)")
        for (t, n) in [(2, 3), (7, 10), (67, 100)] {
            let dealt = try cli { () throws(FROSTError) in try TrustedDealer.generate(minSigners: t, maxSigners: n) }
            let keys = try dealt.shares.map { s in try cli { () throws(FROSTError) in try KeyPackage(verifying: s) } }
            let signers = Array(keys.prefix(t))
            var round1 = Duration.zero, round2 = Duration.zero, aggregate = Duration.zero
            let message = Array("korium frost bench".utf8)
            for _ in 0..<max(1, iterations) {
                var holders: [FrostNonceHolder] = []
                for kp in signers {
                    let start = clock.now
                    let nonces = FROST.commit(keyPackage: kp)
                    round1 += clock.now - start
                    holders.append(FrostNonceHolder(nonces))
                }
                let package = try cli { () throws(FROSTError) in
                    try SigningPackage(commitments: holders.map(\.commitments), message: message)
                }
                var shares: [SignatureShare] = []
                for (kp, h) in zip(signers, holders) {
                    let start = clock.now
                    let share = try cli { () throws(FROSTError) in
                        try FROST.sign(signingPackage: package, nonces: h.take(), keyPackage: kp)
                    }
                    round2 += clock.now - start
                    shares.append(share)
                }
                let start = clock.now
                _ = try cli { () throws(FROSTError) in
                    try FROST.aggregate(signingPackage: package, signatureShares: shares, publicKeyPackage: dealt.publicKeyPackage)
                }
                aggregate += clock.now - start
            }
            let perSigner = Double(max(1, iterations) * t)
            print(
                pad("\(t)-of-\(n)", 15) + pad(String(t), 9) + pad(ms(round1, perSigner), 20)
                    + pad(ms(round2, perSigner), 20) + ms(aggregate, Double(max(1, iterations))))
        }
        var dkg = Duration.zero
        let (t, n) = (7, 10)
        for _ in 0..<max(1, dkgIterations) {
            let ids = try (1...n).map { i in try cli { () throws(FROSTError) in try FROSTIdentifier(i) } }
            let start = clock.now
            var s1: [DKG.Round1Secret] = []
            var r1: [DKGRound1Package] = []
            for id in ids {
                let (s, p) = try cli { () throws(FROSTError) in try DKG.part1(identifier: id, minSigners: t, maxSigners: n) }
                s1.append(s)
                r1.append(p)
            }
            var s2: [DKG.Round2Secret] = []
            var r2: [DKGRound2Package] = []
            for s in s1 {
                let (x, p) = try cli { () throws(FROSTError) in
                    try DKG.part2(secret: s, round1Packages: r1.filter { $0.identifier != s.identifier })
                }
                s2.append(x)
                r2 += p
            }
            for s in s2 {
                _ = try cli { () throws(FROSTError) in
                    try DKG.part3(
                        secret: s, round1Packages: r1.filter { $0.identifier != s.identifier },
                        round2Packages: r2.filter { $0.recipient == s.identifier })
                }
            }
            dkg += clock.now - start
        }
        let runs = Double(max(1, dkgIterations))
        print("DKG 7-of-10: whole ceremony (all 10 participants, one core) \(ms(dkg, runs)), per participant \(ms(dkg, runs * Double(n)))")
    }

    private func ms(_ d: Duration, _ divisor: Double) -> String {
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        let v = seconds * 1000 / divisor
        return String((v * 1000).rounded() / 1000) + " ms"
    }

    private func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
}
