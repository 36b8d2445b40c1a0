/// Number formatting without Foundation (`String(format:)` is not available in library targets).
public enum SimFormat {
    /// `value` with exactly `decimals` digits after the point, rounded half away from zero.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        let digits = max(0, min(decimals, 12))
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9.2e18 else { return String(value) }
        let whole = UInt64(scaled)
        let divisor = UInt64(scale)
        let intPart = whole / divisor
        var result = (value < 0 && whole != 0 ? "-" : "") + String(intPart)
        if digits > 0 {
            let frac = String(whole % divisor)
            result += "." + String(repeating: "0", count: digits - frac.count) + frac
        }
        return result
    }

    /// A duration with a unit chosen for readability: `850ns`, `12.5µs`, `3.25ms`, `1.500s`.
    public static func duration(nanoseconds ns: Int64) -> String {
        let a = ns.magnitude
        if a < 1_000 { return String(ns) + "ns" }
        if a < 1_000_000 { return fixed(Double(ns) / 1e3, decimals: 1) + "µs" }
        if a < 1_000_000_000 { return fixed(Double(ns) / 1e6, decimals: 2) + "ms" }
        return fixed(Double(ns) / 1e9, decimals: 3) + "s"
    }

    /// A byte count with a binary unit: `512 B`, `1.50 KiB`, `3.20 MiB`, `1.00 GiB`.
    public static func bytes(_ n: Double) -> String {
        let a = abs(n)
        if a < 1024 { return fixed(n, decimals: 0) + " B" }
        if a < 1024 * 1024 { return fixed(n / 1024, decimals: 2) + " KiB" }
        if a < 1024 * 1024 * 1024 { return fixed(n / (1024 * 1024), decimals: 2) + " MiB" }
        return fixed(n / (1024 * 1024 * 1024), decimals: 2) + " GiB"
    }

    /// A percentage of `fraction` (0…1) with `decimals` digits, e.g. `99.95%`.
    public static func percent(_ fraction: Double, decimals: Int = 2) -> String {
        fixed(fraction * 100, decimals: decimals) + "%"
    }

    /// A large count with thousands separators: `1,234,567`.
    public static func grouped(_ n: Int) -> String {
        let digits = Array(String(n.magnitude))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
