/// Calendar arithmetic for certificate validity times (proleptic Gregorian, UTC), using
/// Howard Hinnant's days-from-civil algorithm.
enum CivilTime {
    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func unixSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// (year, month, day, hour, minute, second) of a Unix time.
    static func components(_ t: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var days = t / 86_400
        var rem = t % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        let r = Int(rem)
        return (y, m, d, r / 3600, (r / 60) % 60, r % 60)
    }

    /// UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5).
    static func derTime(_ t: Int64) -> [UInt8] {
        let c = components(t)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let rest = two(c.month) + two(c.day) + two(c.hour) + two(c.minute) + two(c.second) + "Z"
        if (1950...2049).contains(c.year) {
            return DER.encode(tag: DER.Tag.utcTime, content: Array((two(c.year % 100) + rest).utf8))
        }
        precondition((0...9999).contains(c.year), "certificate time out of range")
        let y = String(c.year)
        return DER.encode(tag: DER.Tag.generalizedTime, content: Array((String(repeating: "0", count: 4 - y.count) + y + rest).utf8))
    }
}
