// Fuzz target: ImpairmentScript (KoriumSim), the text syntax of `korium netem-proxy` settings
// and scripts, and ImpairmentCore driven by whatever it accepts.
//
// Checks totality (any bytes give events or an ImpairmentScriptError, never a trap), that
// accepted values are in range (probabilities 0…1, non-negative durations and sizes), that
// parsing is deterministic, and that an ImpairmentCore built from the accepted settings and
// script carries a few datagrams through a virtual second without trapping and with counters
// that add up (forwarded + dropped = received + duplicated, nothing held at the end).
import FuzzSupport
import KoriumSim

func checkSetting(_ s: ImpairmentSetting) {
    switch s {
    case .loss(let p), .corrupt(let p), .duplicate(let p), .reorder(let p):
        fuzzCheck(p >= 0 && p <= 1, "probability \(p) out of range")
    case .corruptBits(let n): fuzzCheck(n >= 1 && n <= ImpairmentParameters.maxCorruptBits, "corrupt-bits \(n)")
    case .reorderDelay(let d), .delay(let d): fuzzCheck(d.nanoseconds >= 0, "negative duration")
    case .jitter(let j):
        switch j {
        case .none: break
        case .uniform(let d), .exponential(let d): fuzzCheck(d.nanoseconds > 0, "empty jitter")
        }
    case .rate(let r): fuzzCheck(r >= 0, "negative rate")
    case .queue(let b), .burst(let b): fuzzCheck(b >= 0, "negative size")
    case .mtu(let m): fuzzCheck(m >= 0 && m <= 65_535, "mtu \(m)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImpairmentScript(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size).bytes
    let text = Substring(String(decoding: input, as: UTF8.self))
    var events: [ImpairmentEvent] = []
    do throws(ImpairmentScriptError) {
        events = try ImpairmentScript.parse(text)
        let again = try ImpairmentScript.parse(text)
        fuzzCheck(events == again, "parse is not deterministic")
    } catch {
        fuzzCheck(!error.message.isEmpty, "empty error message")
    }
    fuzzCheck(events.count <= ImpairmentScript.maxEvents, "too many events")
    var parameters = ImpairmentParameters()
    for e in events {
        fuzzCheck(e.at.nanoseconds >= 0, "negative event time")
        if case .set(_, let settings) = e.action {
            fuzzCheck(settings.count <= ImpairmentScript.maxSettings, "too many settings")
            for s in settings {
                checkSetting(s)
                s.apply(to: &parameters)
            }
        }
    }
    if let settings = try? ImpairmentScript.parseSettings(text) { settings.forEach(checkSetting) }
    // Drive a core with the parameters (both ways) and the script over one virtual second.
    var core = ImpairmentCore(seed: UInt64(input.count), clientToServer: parameters, serverToClient: parameters,
                              script: events, slotCount: 64, maxDatagramSize: 256)
    let payload = [UInt8](repeating: 0x5A, count: min(input.count, 300))
    var now = SimInstant.zero
    for i in 0..<40 {
        payload.withUnsafeBytes { bytes in
            core.handle(bytes, direction: i % 2 == 0 ? .clientToServer : .serverToClient, tag: 0, now: now)
        }
        core.advance(now: now)
        while core.pollRebind() != nil {}
        while core.pollDelivery(now: now, { _, _, bytes in fuzzCheck(bytes.count == payload.count, "length changed") }) {}
        now += .milliseconds(25)
    }
    // Flush everything still held, however far in the future.
    let far = SimInstant(nanoseconds: .max)
    while core.pollDelivery(now: far, { _, _, _ in }) {}
    for d in ImpairmentDirection.allCases {
        let c = core.counters(d)
        fuzzCheck(c.held == 0 && c.received == 20, "counters do not add up: \(c)")
    }
    return 0
}
