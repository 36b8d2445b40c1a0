/// One parsed DER element: a view into shared storage (no copying until a value is read).
public struct DERElement: Sendable, Hashable {
    /// The identifier octet.
    public let tag: UInt8
    let storage: [UInt8]
    let start: Int
    let contentStart: Int
    let end: Int

    /// Whether the element is constructed (bit 6 of the tag).
    public var isConstructed: Bool { tag & 0x20 != 0 }

    /// The content octets.
    public var content: [UInt8] { Array(storage[contentStart..<end]) }

    /// The full TLV encoding (e.g. the signed TBSCertificate bytes).
    public var encoded: [UInt8] { Array(storage[start..<end]) }

    /// The elements inside a constructed element, in order.
    public func children() throws(DERError) -> [DERElement] {
        guard isConstructed else { throw .invalidValue("children of a primitive element") }
        var out: [DERElement] = []
        var pos = contentStart
        while pos < end {
            guard out.count < DER.maxChildren else { throw .tooManyElements }
            let child = try DER.readElement(storage, from: pos, end: end)
            out.append(child)
            pos = child.end
        }
        return out
    }

    /// Throws unless the tag is `expected`.
    public func expect(_ expected: UInt8) throws(DERError) -> DERElement {
        guard tag == expected else { throw .unexpectedTag(expected: expected, actual: tag) }
        return self
    }

    /// Children of a SEQUENCE.
    public func sequence() throws(DERError) -> [DERElement] { try expect(DER.Tag.sequence).children() }

    // MARK: primitive values

    /// A non-negative INTEGER's magnitude bytes (minimal two's complement required, X.690 §8.3.2).
    public func unsignedIntegerBytes() throws(DERError) -> [UInt8] {
        _ = try expect(DER.Tag.integer)
        let c = content
        guard let first = c.first else { throw .invalidValue("empty INTEGER") }
        if c.count > 1 {
            if first == 0x00 && c[1] & 0x80 == 0 { throw .invalidValue("non-minimal INTEGER") }
            if first == 0xff && c[1] & 0x80 != 0 { throw .invalidValue("non-minimal INTEGER") }
        }
        guard first & 0x80 == 0 else { throw .invalidValue("negative INTEGER") }
        return c.count > 1 && first == 0 ? Array(c.dropFirst()) : c
    }

    /// A small non-negative INTEGER.
    public func smallInteger() throws(DERError) -> Int {
        let bytes = try unsignedIntegerBytes()
        guard bytes.count <= 4 else { throw .invalidValue("INTEGER too large") }
        return bytes.reduce(0) { ($0 << 8) | Int($1) }
    }

    /// A BOOLEAN (DER: exactly 0x00 or 0xff, X.690 §11.1).
    public func boolean() throws(DERError) -> Bool {
        _ = try expect(DER.Tag.boolean)
        let c = content
        guard c.count == 1, c[0] == 0 || c[0] == 0xff else { throw .invalidValue("BOOLEAN") }
        return c[0] == 0xff
    }

    /// An OBJECT IDENTIFIER (base-128 arcs, minimal, X.690 §8.19).
    public func objectIdentifier() throws(DERError) -> ObjectIdentifier {
        _ = try expect(DER.Tag.objectIdentifier)
        let c = content
        guard let last = c.last, last & 0x80 == 0 else { throw .invalidValue("OBJECT IDENTIFIER") }
        var atArcStart = true
        for b in c {
            if atArcStart && b == 0x80 { throw .invalidValue("non-minimal OID arc") }
            atArcStart = b & 0x80 == 0
        }
        return ObjectIdentifier(bytes: c)
    }

    /// OCTET STRING content.
    public func octetString() throws(DERError) -> [UInt8] { try expect(DER.Tag.octetString).content }

    /// BIT STRING content with 0 unused bits (keys, signatures).
    public func bitStringBytes() throws(DERError) -> [UInt8] {
        let (bytes, unused) = try bitString()
        guard unused == 0 else { throw .invalidValue("BIT STRING with unused bits") }
        return bytes
    }

    /// BIT STRING: bytes and unused-bit count; DER requires the unused bits be zero (X.690 §11.2).
    public func bitString() throws(DERError) -> (bytes: [UInt8], unusedBits: Int) {
        _ = try expect(DER.Tag.bitString)
        let c = content
        guard let unused = c.first, unused <= 7 else { throw .invalidValue("BIT STRING") }
        let bytes = Array(c.dropFirst())
        if bytes.isEmpty && unused != 0 { throw .invalidValue("BIT STRING") }
        if let last = bytes.last, unused > 0, last & UInt8((1 << Int(unused)) - 1) != 0 {
            throw .invalidValue("BIT STRING unused bits not zero")
        }
        return (bytes, Int(unused))
    }

    /// A string type's content as UTF-8 (UTF8String, PrintableString, IA5String).
    public func string() throws(DERError) -> String {
        switch tag {
        case DER.Tag.utf8String, DER.Tag.printableString, DER.Tag.ia5String, 0x14, 0x1e, 0x1c:
            guard let s = String(validating: content, as: UTF8.self) else { throw .invalidValue("string encoding") }
            return s
        default:
            throw .unexpectedTag(expected: DER.Tag.utf8String, actual: tag)
        }
    }

    /// UTCTime or GeneralizedTime as seconds since the Unix epoch (RFC 5280 §4.1.2.5: `Z` form,
    /// seconds present, no fractions).
    public func time() throws(DERError) -> Int64 {
        let c = content
        let digitsCount: Int
        switch tag {
        case DER.Tag.utcTime: digitsCount = 12
        case DER.Tag.generalizedTime: digitsCount = 14
        default: throw .unexpectedTag(expected: DER.Tag.utcTime, actual: tag)
        }
        guard c.count == digitsCount + 1, c[digitsCount] == UInt8(ascii: "Z") else { throw .invalidValue("time format") }
        var d: [Int] = []
        for b in c[0..<digitsCount] {
            guard b >= 0x30, b <= 0x39 else { throw .invalidValue("time digits") }
            d.append(Int(b - 0x30))
        }
        func num(_ i: Int, _ n: Int) -> Int { (i..<(i + n)).reduce(0) { $0 * 10 + d[$1] } }
        var year: Int
        var i: Int
        if tag == DER.Tag.utcTime {
            let yy = num(0, 2)
            year = yy >= 50 ? 1900 + yy : 2000 + yy  // RFC 5280 §4.1.2.5.1
            i = 2
        } else {
            year = num(0, 4)
            i = 4
        }
        let month = num(i, 2), day = num(i + 2, 2), hour = num(i + 4, 2), minute = num(i + 6, 2), second = num(i + 8, 2)
        guard (1...12).contains(month), day >= 1, day <= CivilTime.daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 59 else { throw .invalidValue("time out of range") }
        return CivilTime.unixSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }
}
