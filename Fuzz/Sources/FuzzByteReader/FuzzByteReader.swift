// Fuzz target: KoriumWire's ByteReader and codec.
//
// The input drives itself: each operation byte picks a read (fixed ints, varints, byte runs,
// every length-prefix format, strings, codec messages, arrays, nested sub-readers) that then
// consumes the following bytes. Every successful read is re-encoded with ByteWriter and decoded
// again; canonical formats must reproduce the consumed bytes exactly. Every failed read must
// leave the offset unchanged.
import FuzzSupport

/// A leaf value: a fixed int and a one-byte-length-prefixed field.
struct FuzzLeaf: WireCodable, Equatable {
    var tag: UInt16
    var data: [UInt8]
    init(from reader: inout ByteReader) throws(WireError) {
        tag = try reader.readUInt16()
        data = try reader.readLengthPrefixedArray(.uint8, maxLength: 8)
    }
    func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.writeUInt16(tag)
        try writer.writeLengthPrefixedBytes(data, .uint8)
    }
}

/// A message using every codec building block.
struct FuzzMessage: WireCodable, Equatable {
    var kind: UInt8
    var flag: Bool
    var sequence: VarInt
    var id: UInt32
    var payload: [UInt8]
    var label: String
    var leaves: [FuzzLeaf]
    init(from reader: inout ByteReader) throws(WireError) {
        kind = try reader.read()
        flag = try reader.read()
        sequence = try reader.read()
        id = try reader.read()
        payload = try reader.readLengthPrefixedArray(maxLength: 64)
        label = try reader.readString(maxLength: 16)
        leaves = try reader.readArray(of: FuzzLeaf.self, maxCount: 4)
    }
    func encode(to writer: inout ByteWriter) throws(WireError) {
        try writer.write(kind)
        try writer.write(flag)
        try writer.write(sequence)
        try writer.write(id)
        try writer.writeLengthPrefixedBytes(payload)
        try writer.writeString(label)
        try writer.writeArray(leaves, maxCount: 4)
    }
}

/// Runs `read`; on failure checks all-or-nothing, on success re-encodes with `write`, decodes
/// the re-encoding with `read` again and compares. `exact`: the format is canonical, so the
/// re-encoding must equal the consumed bytes.
func roundTrip<T: Equatable>(
    _ reader: inout ByteReader, exact: Bool,
    _ read: (inout ByteReader) throws(WireError) -> T,
    _ write: (T, inout ByteWriter) throws(WireError) -> Void
) {
    let before = reader.offset
    let value: T
    do throws(WireError) { value = try read(&reader) } catch {
        fuzzCheck(reader.offset == before, "failed read moved the offset (\(error))")
        return
    }
    let consumed = [UInt8](reader.consumedBytes[before...])
    var writer = ByteWriter(capacity: consumed.count)
    do throws(WireError) { try write(value, &writer) } catch {
        fuzzCheck(false, "re-encoding a decoded value threw \(error)")
    }
    let encoded = writer.bytes
    if exact { fuzzCheck(encoded == consumed, "canonical re-encoding differs from the input") }
    let again: Result<T, WireError> = encoded.withReader { r in
        do throws(WireError) {
            let v = try read(&r)
            try r.expectEnd()
            return .success(v)
        } catch { return .failure(error) }
    }
    fuzzCheck(again == .success(value), "re-encoding does not decode to the same value: \(again)")

    // The same encoding into a fixed buffer one byte too small fails cleanly and writes nothing.
    if encoded.count > 0 {
        var small = [UInt8](repeating: 0, count: encoded.count - 1)
        small.withUnsafeMutableBytes { raw in
            var fixed = ByteWriter(into: raw)
            do throws(WireError) {
                try fixed.atomically { (w: inout ByteWriter) throws(WireError) in try write(value, &w) }
                fuzzCheck(false, "a fixed buffer accepted more bytes than it holds")
            } catch {
                guard case .bufferFull = error else { return fuzzCheck(false, "expected bufferFull, got \(error)") }
                fuzzCheck(fixed.bytesWritten == 0, "failed fixed write left bytes behind")
            }
        }
    }
}

/// The length-prefix formats, indexed by a parameter.
let prefixes: [LengthPrefix] = [.uint8, .uint16, .uint24, .uint32, .varInt, .canonicalVarInt]

/// Executes operations chosen by the input until the reader is exhausted; sub-readers recurse
/// up to a small depth.
func drive(_ reader: inout ByteReader, depth: Int) {
    var operations = 0
    while operations < 512, let op = try? reader.readUInt8() {
        operations += 1
        let parameter = Int(op >> 4)
        switch op & 0x0f {
        case 0:
            roundTrip(&reader, exact: true, { (r: inout ByteReader) throws(WireError) in try r.readUInt8() }) { (v, w: inout ByteWriter) throws(WireError) in try w.writeUInt8(v) }
        case 1:
            roundTrip(&reader, exact: true, { (r: inout ByteReader) throws(WireError) in try r.readUInt16() }) { (v, w: inout ByteWriter) throws(WireError) in try w.writeUInt16(v) }
        case 2:
            roundTrip(&reader, exact: true, { (r: inout ByteReader) throws(WireError) in try r.readUInt24() }) { (v, w: inout ByteWriter) throws(WireError) in try w.writeUInt24(v) }
        case 3:
            roundTrip(&reader, exact: true, { (r: inout ByteReader) throws(WireError) in try r.readUInt32() }) { (v, w: inout ByteWriter) throws(WireError) in try w.writeUInt32(v) }
        case 4:
            roundTrip(&reader, exact: true, { (r: inout ByteReader) throws(WireError) in try r.readUInt64() }) { (v, w: inout ByteWriter) throws(WireError) in try w.writeUInt64(v) }
        case 5:
            roundTrip(&reader, exact: true, { (r: inout ByteReader) throws(WireError) in try r.readBool() }) { (v, w: inout ByteWriter) throws(WireError) in try w.writeBool(v) }
        case 6:
            // Any-length varint: exact only when it was minimal.
            let minimal = reader.remainingBytes.withReader { (r: inout ByteReader) in (try? r.readVarIntCheckingMinimality())?.isMinimal ?? true }
            roundTrip(&reader, exact: minimal, { (r: inout ByteReader) throws(WireError) in try r.readVarInt() }) { (v, w: inout ByteWriter) throws(WireError) in try w.writeVarInt(v) }
        case 7:
            roundTrip(&reader, exact: true, { (r: inout ByteReader) throws(WireError) in try r.read(VarInt.self) }) { (v, w: inout ByteWriter) throws(WireError) in try w.write(v) }
        case 8:
            roundTrip(&reader, exact: true, { (r: inout ByteReader) throws(WireError) in [UInt8](try r.readBytes(parameter)) }) { (v, w: inout ByteWriter) throws(WireError) in try w.writeBytes(v) }
        case 9:
            let prefix = prefixes[parameter % prefixes.count]
            let maxLength = parameter < 6 ? 64 : parameter * 8
            let lengthWasMinimal = prefix != .varInt
                || reader.remainingBytes.withReader { (r: inout ByteReader) in (try? r.readVarIntCheckingMinimality())?.isMinimal ?? true }
            roundTrip(&reader, exact: lengthWasMinimal, { (r: inout ByteReader) throws(WireError) in try r.readLengthPrefixedArray(prefix, maxLength: maxLength) }) { (v, w: inout ByteWriter) throws(WireError) in try w.writeLengthPrefixedBytes(v, prefix) }
        case 10:
            roundTrip(&reader, exact: true, { (r: inout ByteReader) throws(WireError) in try r.readString(maxLength: parameter * 4) }) { (v, w: inout ByteWriter) throws(WireError) in try w.writeString(v) }
        case 11:
            roundTrip(&reader, exact: true, { (r: inout ByteReader) throws(WireError) in try r.read(FuzzMessage.self) }) { (v, w: inout ByteWriter) throws(WireError) in try w.write(v) }
        case 12:
            roundTrip(&reader, exact: true, { (r: inout ByteReader) throws(WireError) in try r.readArray(of: FuzzLeaf.self, maxCount: parameter) }) { (v, w: inout ByteWriter) throws(WireError) in try w.writeArray(v, maxCount: parameter) }
        case 13:
            // A length-prefixed field driven recursively through its own sub-reader, which must
            // never read past the field.
            let before = reader.offset
            guard depth < 4, var sub = try? reader.readLengthPrefixedReader(prefixes[parameter % prefixes.count], maxLength: 4096) else {
                fuzzCheck(reader.offset == before || depth >= 4, "failed sub-reader moved the offset")
                continue
            }
            let fieldLength = sub.count
            drive(&sub, depth: depth + 1)
            fuzzCheck(sub.isAtEnd && sub.offset == fieldLength, "sub-reader stopped early or overran")
        case 14:
            let before = reader.offset
            do throws(WireError) { try reader.skip(parameter) } catch {
                fuzzCheck(reader.offset == before && error == .truncated(needed: parameter, available: reader.remaining), "skip: \(error)")
            }
        default:
            // Message decode through the whole-buffer API over the rest: trailing bytes must be
            // reported exactly.
            let rest = reader.remainingBytes
            var probe = ByteReader(rest)
            let single = Result { () throws(WireError) in try probe.read(FuzzMessage.self) }
            let whole = Result { () throws(WireError) in try FuzzMessage(wireBytes: rest) }
            switch (single, whole) {
            case (.success(let a), .success(let b)):
                fuzzCheck(a == b && probe.isAtEnd, "whole-buffer decode disagrees")
            case (.success, .failure(let error)):
                fuzzCheck(error == .trailingBytes(count: probe.remaining) && probe.remaining > 0, "trailing: \(error)")
            case (.failure(let a), .failure(let b)):
                fuzzCheck(a == b, "different errors: \(a) vs \(b)")
            case (.failure, .success):
                fuzzCheck(false, "whole-buffer decode accepted what a plain read rejected")
            }
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzByteReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzInput(data, size).bytes.withReader { reader in drive(&reader, depth: 0) }
    return 0
}
