/// A malformed impairment setting or script line; `message` says which part and why.
public struct ImpairmentScriptError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public var message: String
    /// An error with `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// The text syntax of impairments, shared by `korium netem-proxy` options and script files.
///
/// Settings: `loss=5%,delay=100ms,jitter=5ms` (comma- or space-separated `key=value`, keys in
/// `ImpairmentSetting`). A script line: `TIME [both|c2s|s2c] SETTINGS`,
/// `TIME [both|c2s|s2c] blackhole DURATION`, `TIME rebind-port` or `TIME rebind-addr`, where
/// TIME counts from the first datagram the proxy sees. Lines are separated by newlines or `;`;
/// `#` starts a comment. Parsing is total: every input gives events or a typed error.
public enum ImpairmentScript {
    /// Most events one script may hold (the schedule is preallocated from it).
    public static let maxEvents = 1_024
    /// Most settings in one entry.
    public static let maxSettings = 32

    /// Parses `key=value` settings separated by commas or spaces.
    public static func parseSettings(_ text: Substring) throws(ImpairmentScriptError) -> [ImpairmentSetting] {
        var settings: [ImpairmentSetting] = []
        for item in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
            guard settings.count < maxSettings else { throw ImpairmentScriptError("more than \(maxSettings) settings") }
            guard let eq = item.firstIndex(of: "=") else { throw ImpairmentScriptError("'\(item)': expected key=value") }
            let key = item[..<eq], value = item[item.index(after: eq)...]
            switch key {
            case "loss": settings.append(.loss(try parseProbability(value)))
            case "corrupt": settings.append(.corrupt(try parseProbability(value)))
            case "corrupt-bits":
                guard let n = Int(value), n >= 1, n <= ImpairmentParameters.maxCorruptBits else {
                    throw ImpairmentScriptError("corrupt-bits '\(value)': expected 1…\(ImpairmentParameters.maxCorruptBits)")
                }
                settings.append(.corruptBits(n))
            case "dup", "duplicate": settings.append(.duplicate(try parseProbability(value)))
            case "reorder": settings.append(.reorder(try parseProbability(value)))
            case "reorder-delay": settings.append(.reorderDelay(try parseDuration(value)))
            case "delay": settings.append(.delay(try parseDuration(value)))
            case "jitter":
                let d = try parseDuration(value)
                settings.append(.jitter(d == .zero ? .none : .uniform(max: d)))
            case "jitter-exp":
                let d = try parseDuration(value)
                settings.append(.jitter(d == .zero ? .none : .exponential(mean: d)))
            case "rate": settings.append(.rate(bitsPerSecond: try parseBitRate(value)))
            case "queue": settings.append(.queue(bytes: try parseBytes(value)))
            case "burst": settings.append(.burst(bytes: try parseBytes(value)))
            case "mtu":
                let bytes = try parseBytes(value)
                guard bytes <= 65_535 else { throw ImpairmentScriptError("mtu '\(value)': at most 65535") }
                settings.append(.mtu(Int(bytes)))
            default: throw ImpairmentScriptError("unknown setting '\(key)'")
            }
        }
        return settings
    }

    /// Parses one script line (see the type's documentation); nil for a blank or comment line.
    public static func parseEvent(_ line: Substring) throws(ImpairmentScriptError) -> ImpairmentEvent? {
        let text = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let first = words.first else { return nil }
        let at = try parseDuration(first)
        var rest = words.dropFirst()
        guard let head = rest.first else { throw ImpairmentScriptError("'\(line)': nothing after the time") }
        switch head {
        case "rebind-port", "rebind-addr":
            guard rest.count == 1 else { throw ImpairmentScriptError("'\(line)': \(head) takes no arguments") }
            return ImpairmentEvent(at: at, .rebind(head == "rebind-port" ? .port : .address))
        default: break
        }
        var scope = ImpairmentScope.both
        switch head {
        case "both": rest = rest.dropFirst()
        case "c2s": scope = .only(.clientToServer); rest = rest.dropFirst()
        case "s2c": scope = .only(.serverToClient); rest = rest.dropFirst()
        default: break
        }
        if rest.first == "blackhole" {
            guard rest.count == 2, let length = rest.last else {
                throw ImpairmentScriptError("'\(line)': expected blackhole DURATION")
            }
            return ImpairmentEvent(at: at, .blackhole(scope, try parseDuration(length)))
        }
        guard !rest.isEmpty else { throw ImpairmentScriptError("'\(line)': no settings") }
        return ImpairmentEvent(at: at, .set(scope, try parseSettings(Substring(rest.joined(separator: " ")))))
    }

    /// Parses a whole script: lines separated by newlines or `;`.
    public static func parse(_ text: Substring) throws(ImpairmentScriptError) -> [ImpairmentEvent] {
        var events: [ImpairmentEvent] = []
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == ";" || $0 == "\r" }) {
            guard let event = try parseEvent(line) else { continue }
            guard events.count < maxEvents else { throw ImpairmentScriptError("more than \(maxEvents) events") }
            events.append(event)
        }
        return events
    }

    /// `2s@3s` (the `--blackhole` option): a blackhole of 2 s starting 3 s after the first datagram.
    public static func parseBlackhole(_ text: Substring, scope: ImpairmentScope = .both)
        throws(ImpairmentScriptError) -> ImpairmentEvent {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw ImpairmentScriptError("blackhole '\(text)': expected DURATION@START") }
        return ImpairmentEvent(at: try parseDuration(parts[1]), .blackhole(scope, try parseDuration(parts[0])))
    }

    /// A probability: `5%`, `0.05`, `1` (0…1).
    public static func parseProbability(_ text: Substring) throws(ImpairmentScriptError) -> Double {
        var value: Double?
        if text.hasSuffix("%") {
            value = Double(text.dropLast()).map { $0 / 100 }
        } else {
            value = Double(text)
        }
        guard let p = value, p >= 0, p <= 1 else { throw ImpairmentScriptError("probability '\(text)': expected 0…1 or 0…100%") }
        return p
    }

    /// A non-negative duration: `100ms`, `2s`, `1.5s`, `250us`, `800ns`, `0` (at most one day).
    public static func parseDuration(_ text: Substring) throws(ImpairmentScriptError) -> SimDuration {
        let (number, unit) = split(text)
        let scale: Double
        switch unit {
        case "s": scale = 1e9
        case "ms": scale = 1e6
        case "us", "µs": scale = 1e3
        case "ns": scale = 1
        case "" where number == "0": scale = 0
        default: throw ImpairmentScriptError("duration '\(text)': expected a number with s, ms, us or ns")
        }
        guard let v = Double(number), v >= 0, v * scale <= 86_400e9 else {
            throw ImpairmentScriptError("duration '\(text)': expected 0…1 day")
        }
        return SimDuration(nanoseconds: Int64((v * scale).rounded()))
    }

    /// A bit rate: `10mbit`, `1gbit`, `800kbit`, `64000bit` or plain bits per second (0 = unlimited).
    public static func parseBitRate(_ text: Substring) throws(ImpairmentScriptError) -> Int64 {
        let (number, unit) = split(text)
        let scale: Double
        switch unit.lowercased() {
        case "", "bit", "bps": scale = 1
        case "kbit", "kbps": scale = 1e3
        case "mbit", "mbps": scale = 1e6
        case "gbit", "gbps": scale = 1e9
        default: throw ImpairmentScriptError("rate '\(text)': expected bit, kbit, mbit or gbit")
        }
        guard let v = Double(number), v >= 0, v * scale <= 1e12 else {
            throw ImpairmentScriptError("rate '\(text)': expected 0…1000gbit")
        }
        return Int64((v * scale).rounded())
    }

    /// A byte count: `1500`, `64kb`, `1mb` (k = 1024).
    public static func parseBytes(_ text: Substring) throws(ImpairmentScriptError) -> Int64 {
        let (number, unit) = split(text)
        let scale: Double
        switch unit.lowercased() {
        case "", "b": scale = 1
        case "k", "kb", "kib": scale = 1_024
        case "m", "mb", "mib": scale = 1_048_576
        default: throw ImpairmentScriptError("size '\(text)': expected b, kb or mb")
        }
        guard let v = Double(number), v >= 0, v * scale <= 1e12 else {
            throw ImpairmentScriptError("size '\(text)': expected 0…1e12 bytes")
        }
        return Int64((v * scale).rounded())
    }

    /// Splits `12.5ms` into (`12.5`, `ms`).
    private static func split(_ text: Substring) -> (Substring, Substring) {
        let end = text.firstIndex(where: { !($0.isNumber || $0 == ".") }) ?? text.endIndex
        return (text[..<end], text[end...])
    }
}
