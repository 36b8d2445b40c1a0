// Fuzz target: SocketAddress(parsing:) in KoriumIO (the text form of UDP endpoints given on
// command lines and in configuration).
//
// Checks totality (any bytes give an address or a SocketAddressError, never a trap), that an
// accepted address prints to text that parses back to the same address, and that accepted IPv4
// forms agree with an independent dotted-quad reader written here (four decimal parts 0-255,
// no leading zeros, then ":" and a decimal port 0-65535 of at most five digits).
import FuzzSupport
import KoriumIO

/// Independent reader for `a.b.c.d:port`; nil if the text is not exactly that shape.
func referenceIPv4(_ text: [UInt8]) -> (UInt32, UInt16)? {
    guard let colon = text.lastIndex(of: UInt8(ascii: ":")) else { return nil }
    let parts = text[..<colon].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    var address: UInt32 = 0
    for part in parts {
        guard (1...3).contains(part.count), part.allSatisfy({ (48...57).contains($0) }) else { return nil }
        guard part.count == 1 || part.first != 48 else { return nil }
        let value = part.reduce(0) { $0 * 10 + Int($1 - 48) }
        guard value <= 255 else { return nil }
        address = address << 8 | UInt32(value)
    }
    let port = text[(colon + 1)...]
    guard (1...5).contains(port.count), port.allSatisfy({ (48...57).contains($0) }) else { return nil }
    let value = port.reduce(0) { $0 * 10 + Int($1 - 48) }
    guard value <= 65_535 else { return nil }
    return (address, UInt16(value))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSocketAddress(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size).bytes
    let text = String(decoding: input, as: UTF8.self)
    let utf8 = Array(text.utf8)
    let parsed: SocketAddress?
    do throws(SocketAddressError) {
        parsed = try SocketAddress(parsing: text)
    } catch {
        fuzzCheck(!error.description.isEmpty, "empty error description")
        parsed = nil
    }
    if let parsed {
        let printed = parsed.description
        do throws(SocketAddressError) {
            let again = try SocketAddress(parsing: printed)
            fuzzCheck(again == parsed, "\(printed) re-parses to \(again), not \(parsed)")
        } catch {
            fuzzCheck(false, "printed form \(printed) of an accepted address is rejected: \(error)")
        }
    }
    if utf8.first != UInt8(ascii: "[") && utf8.count <= SocketAddress.maxTextLength {
        let reference = referenceIPv4(utf8)
        switch (parsed, reference) {
        case (nil, nil): break
        case (let p?, let r?):
            fuzzCheck(p.ip == .v4(IPv4Address(rawValue: r.0)) && p.port == r.1, "IPv4 mismatch for \(text)")
        case (let p?, nil):
            fuzzCheck(false, "accepted \(text) as \(p), the reference rejects it")
        case (nil, _?):
            fuzzCheck(false, "rejected \(text), the reference accepts it")
        }
    }
    return 0
}
