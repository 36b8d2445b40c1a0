// Fuzz target: QUIC varints (RFC 9000 §16) in KoriumWire.
//
// Decodes varints back to back until the input is exhausted or a read fails, and checks each
// against an independent transcription of RFC 9000 Appendix A.1's ReadVarint, the minimality
// flag, exact re-encoding at the consumed length, minimal re-encoding, and the all-or-nothing
// rule on failure. A trailing 8-byte window also exercises VarInt(_:) range checks and the
// fixed-buffer writer's bufferFull path.
import FuzzSupport

/// RFC 9000 Appendix A.1 ReadVarint, written independently of KoriumWire: nil if truncated,
/// else (value, bytes used).
func referenceReadVarint(_ bytes: ArraySlice<UInt8>) -> (UInt64, Int)? {
    guard let first = bytes.first else { return nil }
    let length = 1 << Int(first >> 6)
    guard bytes.count >= length else { return nil }
    var v = UInt64(first & 0x3f)
    for byte in bytes.dropFirst().prefix(length - 1) { v = (v << 8) + UInt64(byte) }
    return (v, length)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVarInt(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size).bytes
    input.withReader { reader in
        while true {
            let before = reader.offset
            let reference = referenceReadVarint(input[before...])
            let decoded: (value: VarInt, isMinimal: Bool)
            do throws(WireError) {
                decoded = try reader.readVarIntCheckingMinimality()
            } catch {
                fuzzCheck(reader.offset == before, "failed read moved the offset")
                fuzzCheck(reference == nil, "reference decoded what KoriumWire rejected")
                if case .truncated(let needed, let available) = error {
                    fuzzCheck(available == input.count - before && needed > available, "bad truncated counts")
                } else {
                    fuzzCheck(false, "unexpected error \(error)")
                }
                break
            }
            let consumed = reader.offset - before
            guard let (refValue, refLength) = reference else {
                fuzzCheck(false, "KoriumWire decoded what the reference rejected")
                break
            }
            fuzzCheck(decoded.value.value == refValue && consumed == refLength, "disagrees with RFC 9000 A.1")
            fuzzCheck(decoded.isMinimal == (decoded.value.encodedLength == consumed), "wrong minimality flag")

            // Re-encoding at the consumed length reproduces the input bytes exactly.
            var exact = ByteWriter(capacity: 8)
            do throws(WireError) { try exact.writeVarInt(decoded.value, length: consumed) } catch {
                fuzzCheck(false, "cannot re-encode at consumed length: \(error)")
            }
            fuzzCheck(exact.bytes == Array(input[before..<reader.offset]), "exact re-encoding differs")

            // The minimal encoding decodes to the same value through the strict reader.
            do throws(WireError) {
                let minimal = try decoded.value.wireBytes()
                fuzzCheck(minimal.count == decoded.value.encodedLength, "minimal encoding has the wrong length")
                let again = try VarInt(wireBytes: minimal)
                fuzzCheck(again == decoded.value, "minimal round trip differs")
            } catch {
                fuzzCheck(false, "minimal round trip threw \(error)")
            }

            // The strict reader accepts exactly the minimal encodings, all-or-nothing.
            var strict = ByteReader(reader.consumedBytes)
            do throws(WireError) {
                try strict.skip(before)
                let value = try strict.readMinimalVarInt()
                fuzzCheck(decoded.isMinimal && value == decoded.value, "strict reader accepted a non-minimal varint")
            } catch {
                fuzzCheck(error == .nonMinimalEncoding && !decoded.isMinimal, "strict reader: \(error)")
                fuzzCheck(strict.offset == before, "strict failure moved the offset")
            }
        }
    }

    // The last 8 bytes as a raw UInt64: VarInt(_:) accepts exactly the values ≤ 2^62−1, and a
    // fixed writer accepts the encoding exactly when it fits in the buffer.
    if input.count >= 9 {
        let raw = input.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let capacity = Int(input[input.count - 9] % 10)
        do throws(WireError) {
            let value = try VarInt(raw)
            fuzzCheck(raw <= VarInt.maxValue, "accepted a value above 2^62-1")
            var buffer = [UInt8](repeating: 0, count: capacity)
            buffer.withUnsafeMutableBytes { raw in
                var writer = ByteWriter(into: raw)
                do throws(WireError) {
                    try writer.writeVarInt(value)
                    fuzzCheck(value.encodedLength <= capacity, "wrote past a fixed buffer")
                } catch {
                    fuzzCheck(
                        error == .bufferFull(needed: value.encodedLength, available: capacity)
                            && writer.bytesWritten == 0, "bad bufferFull: \(error)")
                }
            }
        } catch {
            fuzzCheck(raw > VarInt.maxValue && error == .valueOutOfRange, "rejected a valid value: \(error)")
        }
    }
    return 0
}
