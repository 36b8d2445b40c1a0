import Foundation

/// Why one vector case could not be judged valid or invalid.
enum VectorCaseIssue: Error, Equatable {
    /// A parameter set the project does not implement (AES-192, a 64-bit GCM IV, an algorithm
    /// with no entry in ``VectorDispatch``): counted as skipped, with the reason.
    case skipped(String)
    /// The vector itself is broken (missing field, bad hex): counted as failed.
    case malformed(String)
}

/// What our implementation made of one case.
enum VectorVerdict: Equatable {
    /// Our implementation produced exactly the expected outputs / accepted the input.
    case accepted
    /// It rejected the input or produced something else; the text says what.
    case rejected(String)
}

/// One test case: the test's own fields over its group's fields (Wycheproof groups carry
/// parameters such as `keySize`, `ivSize` or `publicKey`), read through typed accessors that
/// report a malformed vector instead of trapping.
struct VectorCase {
    let fields: [String: Any]

    init(test: [String: Any], group: [String: Any] = [:]) {
        var merged = group
        merged.removeValue(forKey: "tests")
        for (key, value) in test { merged[key] = value }
        fields = merged
    }

    /// The `tcId` for reports ("?" if absent).
    var id: String {
        if let n = fields["tcId"] as? Int { return String(n) }
        return "?"
    }

    var comment: String { fields["comment"] as? String ?? "" }

    var flags: [String] { fields["flags"] as? [String] ?? [] }

    func has(_ key: String) -> Bool { fields[key] != nil }

    func hex(_ key: String) throws(VectorCaseIssue) -> [UInt8] {
        guard let text = fields[key] as? String else { throw .malformed("missing hex field '\(key)'") }
        guard let bytes = Hex.decode(text) else { throw .malformed("field '\(key)' is not hex") }
        return bytes
    }

    func optionalHex(_ key: String) throws(VectorCaseIssue) -> [UInt8]? {
        fields[key] == nil ? nil : try hex(key)
    }

    func string(_ key: String) throws(VectorCaseIssue) -> String {
        guard let text = fields[key] as? String else { throw .malformed("missing string field '\(key)'") }
        return text
    }

    func int(_ key: String) throws(VectorCaseIssue) -> Int {
        guard let value = fields[key], !Self.isBoolean(value), let number = value as? Int else {
            throw .malformed("missing integer field '\(key)'")
        }
        return number
    }

    func optionalInt(_ key: String) throws(VectorCaseIssue) -> Int? {
        fields[key] == nil ? nil : try int(key)
    }

    func bool(_ key: String) throws(VectorCaseIssue) -> Bool {
        guard let value = fields[key], Self.isBoolean(value), let flag = value as? Bool else {
            throw .malformed("missing boolean field '\(key)'")
        }
        return flag
    }

    /// JSONSerialization hands out numbers and booleans as NSNumber subclasses, and `as? Int`
    /// succeeds for `true`: tell them apart by the boolean's own class.
    private static let booleanType = type(of: NSNumber(value: true))

    static func isBoolean(_ value: Any) -> Bool { type(of: value) == booleanType }

    func dictionary(_ key: String) -> [String: Any]? { fields[key] as? [String: Any] }
}

/// Lower-case or upper-case hex without separators; nil for anything else.
enum Hex {
    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
