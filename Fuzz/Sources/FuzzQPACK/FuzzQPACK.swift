// Fuzz target: QPACK field-section decoding (RFC 9204 §4.5) and the HPACK Huffman decoder
// (RFC 7541 §5.2) in KoriumHTTP3.
//
// The first byte selects: Huffman decoding of the rest (decoded strings must re-encode to a
// string that decodes to the same bytes; an encoder output must always decode), field-section
// decoding (a decoded section re-encodes and decodes to the same fields, within the size cap),
// or a peer QPACK encoder/decoder stream fed in pieces (never traps; errors carry QPACK codes).
import FuzzSupport
import KoriumHTTP3

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQPACK(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let mode = input.takeUInt8()
    let bytes = input.takeRest()
    switch mode % 4 {
    case 0:
        do throws(HuffmanDecodingError) {
            let decoded = try Huffman.decode(bytes)
            fuzzCheck(decoded.count <= bytes.count * 8 / 5, "Huffman output longer than possible")
            let encoded = Huffman.encode(decoded)
            fuzzCheck(encoded.count <= bytes.count, "canonical encoding longer than the input")
            fuzzCheck((try? Huffman.decode(encoded)) == decoded, "re-encoded string decodes differently")
        } catch {}
        let encoded = Huffman.encode(bytes)
        fuzzCheck(encoded.count == Huffman.encodedByteCount(of: bytes), "encoded size mismatch")
        fuzzCheck((try? Huffman.decode(encoded)) == bytes, "Huffman round trip failed")
    case 1:
        let cap = 1 + Int(mode >> 2) * 64
        do throws(QPACKError) {
            let fields = try QPACKDecoder.decodeFieldSection(bytes, maxSize: cap)
            fuzzCheck(fields.reduce(0) { $0 + $1.size } <= cap, "decoded section above the cap")
            let encoded = QPACKEncoder.encodeFieldSection(fields)
            fuzzCheck((try? QPACKDecoder.decodeFieldSection(encoded, maxSize: cap)) == fields, "field section round trip failed")
        } catch {
            fuzzCheck(error.code.rawValue >= 0x100, "QPACK error without an HTTP/3 code")
        }
    default:
        var receiver = QPACKStreamReceiver(kind: mode % 4 == 2 ? .encoder : .decoder)
        var start = 0
        var step = Int(mode >> 2) % 7 + 1
        while start < bytes.count {
            let end = min(bytes.count, start + step)
            let piece = Array(bytes[start..<end])
            let failed: Bool = piece.withUnsafeBytes { raw in
                do throws(QPACKError) { try receiver.receive(raw); return false } catch {
                    fuzzCheck((0x200...0x202).contains(error.code.rawValue), "QPACK stream error without a QPACK code")
                    return true
                }
            }
            if failed { break }
            start = end
            step = step % 7 + 1
        }
    }
    return 0
}
