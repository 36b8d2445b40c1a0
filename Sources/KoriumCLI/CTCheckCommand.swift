import ArgumentParser
import Glibc
import KoriumCrypto

/// `korium ct-check`: an empirical constant-time check of the pure-Swift AES code in the style
/// of dudect (Reparaz, Balasch, Verbauwhede, "Dude, is my code constant time?", DATE 2017).
///
/// For each operation two input classes are timed in random interleaving (e.g. a fixed input
/// vs fresh random inputs); Welch's t-statistic compares the two timing distributions, also
/// after cropping slow outliers (preemption, interrupts) at several percentiles. |t| above
/// 4.5 means the timing depends on the class, i.e. on secret data. It can only find leaks,
/// never prove their absence; the design argument is in the `AES128GCM` documentation.
/// Build with `-c release` for meaningful numbers; exits non-zero if a leak is found.
struct CTCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ct-check",
        abstract: "dudect-style timing test of the constant-time AES, GHASH and tag check.")

    @Option(help: "Measurements per operation (split randomly between the two classes).")
    var samples = 200_000

    @Option(help: "Largest |t| accepted as 'no leak found'.")
    var threshold = 4.5

    func run() throws {
        guard samples >= 1000 else { throw ValidationError("--samples must be at least 1000") }
        var rng = SystemRandomNumberGenerator()
        var failures = 0
        print("operation                                      |t| all   |t| p90   |t| p50  verdict")

        func report(_ name: String, _ result: WelchResult) {
            let worst = max(result.all, result.p90, result.p50)
            let verdict = worst < threshold ? "ok" : "LEAK?"
            if worst >= threshold { failures += 1 }
            print(
                name.padding(46) + format(result.all).leftPadding(8) + format(result.p90).leftPadding(10)
                    + format(result.p50).leftPadding(10) + "  " + verdict)
        }

        for keyBytes in [16, 32] {
            let hp = try AESHeaderProtection(key: randomBytes(keyBytes, &rng))
            let result = measure(inputBytes: 16, samples: samples, rng: &rng) { input in
                let m = hp.mask(sample: input)
                return m.0 ^ m.4
            }
            report("AES-\(keyBytes * 8) block (HP mask): fixed vs random", result)
        }

        let gcm = try AES128GCM(key: randomBytes(16, &rng))
        let nonce = randomBytes(12, &rng)
        var tag = [UInt8](repeating: 0, count: 16)
        var message = [UInt8](repeating: 0, count: 64)
        let seal = measure(inputBytes: 64, samples: samples, rng: &rng) { input in
            message.withUnsafeMutableBytes { m in
                m.copyMemory(from: input)
                return tag.withUnsafeMutableBytes { t in
                    nonce.withUnsafeBytes { n in
                        (try? gcm.sealInPlace(m, tag: t, nonce: n, aad: UnsafeRawBufferPointer(start: nil, count: 0)))
                            == nil ? 1 : t[0]
                    }
                }
            }
        }
        report("AES128GCM seal 64 B: fixed vs random text", seal)

        // Both classes carry a wrong tag: wrong in the first byte vs only in the last byte. A
        // comparison that stops at the first difference would separate them.
        // A failed open leaves the message untouched, so one buffer serves every measurement.
        var ciphertext = randomBytes(64, &rng)
        let goodTag = Array(try gcm.seal(ciphertext, nonce: nonce).suffix(16))
        var wrongFirst = goodTag, wrongLast = goodTag
        wrongFirst[0] ^= 1
        wrongLast[15] ^= 1
        // The class's tag is copied into one buffer before the clock starts, so both classes
        // read the same memory (distinct arrays would differ by address, not by content).
        var wrongTag = goodTag
        let open = measureTwoClasses(
            samples: samples, rng: &rng,
            prepare: { isFirstClass in
                let source = isFirstClass ? wrongFirst : wrongLast
                wrongTag.withUnsafeMutableBytes { $0.copyBytes(from: source) }
            }
        ) {
            ciphertext.withUnsafeMutableBytes { m in
                wrongTag.withUnsafeBytes { t in
                    nonce.withUnsafeBytes { n in
                        (try? gcm.openInPlace(m, tag: t, nonce: n, aad: UnsafeRawBufferPointer(start: nil, count: 0)))
                            == nil ? 1 : 0
                    }
                }
            }
        }
        report("AES128GCM open: tag wrong at byte 0 vs byte 15", open)

        let keySchedule = measure(inputBytes: 16, samples: samples / 4, rng: &rng) { input in
            (try? AES128(key: input)) == nil ? 1 : 0
        }
        report("AES-128 key schedule: fixed vs random key", keySchedule)

        // Control: a deliberately leaky early-exit comparison must be flagged, or the
        // measurements are too noisy to mean anything.
        let reference = randomBytes(256, &rng)
        var differsEarly = reference, differsLate = reference
        differsEarly[0] ^= 1
        differsLate[255] ^= 1
        var candidate = reference
        let control = measureTwoClasses(
            samples: samples / 4, rng: &rng,
            prepare: { isFirstClass in
                let source = isFirstClass ? differsEarly : differsLate
                candidate.withUnsafeMutableBytes { $0.copyBytes(from: source) }
            }
        ) {
            earlyExitEquals(reference, candidate) ? 1 : 0
        }
        let controlWorst = max(control.all, control.p90, control.p50)
        print(
            "control: early-exit compare (must leak)".padding(46) + format(control.all).leftPadding(8)
                + format(control.p90).leftPadding(10) + format(control.p50).leftPadding(10) + "  "
                + (controlWorst >= threshold ? "detected" : "NOT DETECTED"))
        if controlWorst < threshold {
            print("the control leak was not detected: measurements too noisy, result not meaningful")
            throw ExitCode(2)
        }

        if failures > 0 {
            print("\(failures) operation(s) above |t| = \(threshold)")
            throw ExitCode(1)
        }
        print("no timing difference found (all |t| < \(threshold))")
    }
}

/// Welch's t for the two classes: over all measurements and with measurements above the 90th
/// and 50th percentile (of both classes together) dropped.
struct WelchResult {
    var all: Double
    var p90: Double
    var p50: Double
}

/// Times `operation` on a fixed input (class 0) and on fresh random inputs (class 1), chosen at
/// random per measurement. Inputs are prepared beforehand so only the operation is timed.
private func measure(
    inputBytes: Int, samples: Int, rng: inout SystemRandomNumberGenerator,
    _ operation: (UnsafeRawBufferPointer) -> UInt8
) -> WelchResult {
    let fixed = randomBytes(inputBytes, &rng)
    var inputs = [UInt8](repeating: 0, count: inputBytes * samples)
    var classes = [Bool](repeating: false, count: samples)
    for i in 0..<samples {
        classes[i] = rng.next() & 1 == 0
        for j in 0..<inputBytes {
            inputs[i * inputBytes + j] = classes[i] ? fixed[j] : UInt8(truncatingIfNeeded: rng.next())
        }
    }
    var times = [Double](repeating: 0, count: samples)
    var sink: UInt8 = 0
    inputs.withUnsafeBytes { all in
        for i in 0..<samples {
            let input = UnsafeRawBufferPointer(rebasing: all[(i * inputBytes)..<((i + 1) * inputBytes)])
            let start = monotonicNanoseconds()
            sink ^= operation(input)
            times[i] = Double(monotonicNanoseconds() &- start)
        }
    }
    blackHole(sink)
    return welch(times, classes)
}

/// Runs `prepare(isFirstClass)` untimed, then times `operation()`, with the class chosen at
/// random per measurement.
private func measureTwoClasses(
    samples: Int, rng: inout SystemRandomNumberGenerator, prepare: (Bool) -> Void,
    _ operation: () -> UInt8
) -> WelchResult {
    var classes = [Bool](repeating: false, count: samples)
    for i in 0..<samples { classes[i] = rng.next() & 1 == 0 }
    var times = [Double](repeating: 0, count: samples)
    var sink: UInt8 = 0
    for i in 0..<samples {
        prepare(classes[i])
        let start = monotonicNanoseconds()
        sink ^= operation()
        times[i] = Double(monotonicNanoseconds() &- start)
    }
    blackHole(sink)
    return welch(times, classes)
}

private func welch(_ times: [Double], _ classes: [Bool]) -> WelchResult {
    let sorted = times.sorted()
    func t(below limit: Double) -> Double {
        var n = [0.0, 0.0], mean = [0.0, 0.0], m2 = [0.0, 0.0]
        for (time, cls) in zip(times, classes) where time <= limit {
            // Welford's running mean and variance per class.
            let k = cls ? 0 : 1
            n[k] += 1
            let delta = time - mean[k]
            mean[k] += delta / n[k]
            m2[k] += delta * (time - mean[k])
        }
        guard n[0] > 1, n[1] > 1 else { return 0 }
        let variance = m2[0] / (n[0] - 1) / n[0] + m2[1] / (n[1] - 1) / n[1]
        return variance > 0 ? abs(mean[0] - mean[1]) / variance.squareRoot() : 0
    }
    return WelchResult(
        all: t(below: .infinity),
        p90: t(below: sorted[sorted.count * 9 / 10]),
        p50: t(below: sorted[sorted.count / 2]))
}

/// The leaky comparison of the control row: returns at the first differing byte.
@inline(never)
private func earlyExitEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    for i in 0..<a.count where a[i] != b[i] { return false }
    return true
}

private func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

private func randomBytes(_ count: Int, _ rng: inout SystemRandomNumberGenerator) -> [UInt8] {
    (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
}

/// Keeps a value alive so the optimiser cannot drop the timed work.
@inline(never)
private func blackHole(_ value: UInt8) {
    withExtendedLifetime(value) {}
}

private func format(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    fileprivate func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
