import KoriumWire

/// A strict, bounded DER (X.690) parser and encoder for X.509 certificates.
public enum DER {
    /// The deepest nesting accepted; X.509 certificates need about 8.
    public static let maxDepth = 24
    /// The largest encoding accepted (a certificate is usually under 2 KiB).
    public static let maxInputSize = 64 * 1024
    /// The most elements inside one constructed element.
    public static let maxChildren = 512

    /// Universal tags used by X.509 (X.690 §8).
    public enum Tag {
        /// BOOLEAN.
        public static let boolean: UInt8 = 0x01
        /// INTEGER.
        public static let integer: UInt8 = 0x02
        /// BIT STRING.
        public static let bitString: UInt8 = 0x03
        /// OCTET STRING.
        public static let octetString: UInt8 = 0x04
        /// NULL.
        public static let null: UInt8 = 0x05
        /// OBJECT IDENTIFIER.
        public static let objectIdentifier: UInt8 = 0x06
        /// UTF8String.
        public static let utf8String: UInt8 = 0x0c
        /// PrintableString.
        public static let printableString: UInt8 = 0x13
        /// IA5String.
        public static let ia5String: UInt8 = 0x16
        /// UTCTime.
        public static let utcTime: UInt8 = 0x17
        /// GeneralizedTime.
        public static let generalizedTime: UInt8 = 0x18
        /// SEQUENCE (constructed).
        public static let sequence: UInt8 = 0x30
        /// SET (constructed).
        public static let set: UInt8 = 0x31

        /// `[n]` context-specific, constructed (EXPLICIT tagging).
        public static func contextConstructed(_ n: UInt8) -> UInt8 { 0xa0 | n }
        /// `[n]` context-specific, primitive (IMPLICIT tagging of a primitive).
        public static func contextPrimitive(_ n: UInt8) -> UInt8 { 0x80 | n }
    }

    /// Parses exactly one element spanning all of `bytes` and validates the whole tree (every
    /// constructed element's content is a well-formed sequence of elements, depth-capped).
    public static func parse(_ bytes: [UInt8]) throws(DERError) -> DERElement {
        guard bytes.count <= maxInputSize else { throw .tooLarge(bytes.count) }
        let element = try readElement(bytes, from: 0, end: bytes.count)
        guard element.end == bytes.count else { throw .trailingBytes(bytes.count - element.end) }
        try validate(element, depth: 1)
        return element
    }

    private static func validate(_ element: DERElement, depth: Int) throws(DERError) {
        guard element.isConstructed else { return }
        guard depth < maxDepth else { throw .depthExceeded }
        for child in try element.children() {
            try validate(child, depth: depth + 1)
        }
    }

    /// Reads one TLV header + content from `storage[start..<end]`.
    static func readElement(_ storage: [UInt8], from start: Int, end: Int) throws(DERError) -> DERElement {
        let result = storage.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<(tag: UInt8, length: Int, headerLength: Int), DERError> in
            var reader = ByteReader(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
            do throws(DERError) { return .success(try readHeader(&reader)) } catch { return .failure(error) }
        }
        let header = try result.get()
        let contentStart = start + header.headerLength
        guard header.length <= end - contentStart else { throw .truncated }
        return DERElement(tag: header.tag, storage: storage, start: start, contentStart: contentStart,
                          end: contentStart + header.length)
    }

    /// Tag and definite length (X.690 §8.1.2, §8.1.3, DER §10.1).
    static func readHeader(_ reader: inout ByteReader) throws(DERError) -> (tag: UInt8, length: Int, headerLength: Int) {
        let start = reader.offset
        func byte(_ r: inout ByteReader) throws(DERError) -> UInt8 {
            do { return try r.readUInt8() } catch { throw .truncated }
        }
        let tag = try byte(&reader)
        guard tag & 0x1f != 0x1f else { throw .unsupportedTag }
        let first = try byte(&reader)
        var length: Int
        if first < 0x80 {
            length = Int(first)
        } else if first == 0x80 {
            throw .indefiniteLength
        } else {
            let count = Int(first & 0x7f)
            // Lengths fit in 3 bytes under maxInputSize; 4 is allowed so the error is tooLarge.
            guard count <= 4 else { throw .tooLarge(Int.max) }
            length = 0
            for i in 0..<count {
                let b = try byte(&reader)
                if i == 0 && b == 0 { throw .nonMinimalLength }
                length = (length << 8) | Int(b)
            }
            if length < 0x80 { throw .nonMinimalLength }
            guard length <= maxInputSize else { throw .tooLarge(length) }
        }
        return (tag, length, reader.offset - start)
    }

    // MARK: encoding

    /// `tag || length || content` with a minimal definite length.
    public static func encode(tag: UInt8, content: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: content.count + 6)
        let n = content.count
        do {
            try w.writeUInt8(tag)
            if n < 0x80 {
                try w.writeUInt8(UInt8(n))
            } else if n <= 0xff {
                try w.writeUInt8(0x81); try w.writeUInt8(UInt8(n))
            } else if n <= 0xffff {
                try w.writeUInt8(0x82); try w.writeUInt16(UInt16(n))
            } else {
                precondition(n <= 0xff_ffff, "DER content too large")
                try w.writeUInt8(0x83); try w.writeUInt24(UInt32(n))
            }
            try w.writeBytes(content)
        } catch {
            preconditionFailure("growable writer failed: \(error)")
        }
        return w.bytes
    }

    /// SEQUENCE of already-encoded elements.
    public static func sequence(_ elements: [[UInt8]]) -> [UInt8] { encode(tag: Tag.sequence, content: elements.flatMap { $0 }) }

    /// SET of already-encoded elements (DER: sorted by encoding, X.690 §11.6).
    public static func set(_ elements: [[UInt8]]) -> [UInt8] {
        encode(tag: Tag.set, content: elements.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 })
    }

    /// INTEGER from unsigned big-endian magnitude bytes (leading zeros stripped, a 0x00 added
    /// when the top bit is set so the value stays positive).
    public static func unsignedInteger(_ magnitude: [UInt8]) -> [UInt8] {
        var m = Array(magnitude.drop(while: { $0 == 0 }))
        if m.isEmpty { m = [0] } else if m[0] & 0x80 != 0 { m.insert(0, at: 0) }
        return encode(tag: Tag.integer, content: m)
    }

    /// INTEGER from a small non-negative value.
    public static func integer(_ value: Int) -> [UInt8] {
        precondition(value >= 0, "negative DER integer")
        var bytes: [UInt8] = []
        var v = value
        repeat { bytes.insert(UInt8(v & 0xff), at: 0); v >>= 8 } while v > 0
        return unsignedInteger(bytes)
    }

    /// BOOLEAN (DER: 0xff for true).
    public static func boolean(_ value: Bool) -> [UInt8] { encode(tag: Tag.boolean, content: [value ? 0xff : 0x00]) }

    /// OCTET STRING.
    public static func octetString(_ content: [UInt8]) -> [UInt8] { encode(tag: Tag.octetString, content: content) }

    /// BIT STRING of whole bytes (0 unused bits).
    public static func bitString(_ bytes: [UInt8]) -> [UInt8] { encode(tag: Tag.bitString, content: [0] + bytes) }

    /// OBJECT IDENTIFIER from its content bytes.
    public static func objectIdentifier(_ oid: ObjectIdentifier) -> [UInt8] { encode(tag: Tag.objectIdentifier, content: oid.bytes) }

    /// UTF8String.
    public static func utf8String(_ s: String) -> [UInt8] { encode(tag: Tag.utf8String, content: Array(s.utf8)) }

    /// `[n] EXPLICIT` wrapper.
    public static func explicit(_ n: UInt8, _ inner: [UInt8]) -> [UInt8] { encode(tag: Tag.contextConstructed(n), content: inner) }
}
