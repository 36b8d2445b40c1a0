import KoriumWire
import Testing

@testable import KoriumHTTP3

/// Runs a parser over `bytes` delivered `step` bytes at a time; DATA pieces are merged.
func parseFrames(_ bytes: [UInt8], step: Int, maxPayload: Int = 1024) -> (items: [String], error: HTTP3Error?, boundary: Bool) {
    var parser = HTTP3FrameParser(maxFramePayload: maxPayload)
    var items: [String] = []
    var start = 0
    while start < bytes.count {
        let piece = Array(bytes[start..<min(bytes.count, start + step)])
        start += step
        let error: HTTP3Error? = piece.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            do throws(HTTP3Error) {
                while let output = try parser.next(&reader) {
                    switch output {
                    case .frame(let frame): items.append("\(frame)")
                    case .dataFrameStart(let length): items.append("data(\(length))")
                    case .data(let chunk):
                        if case let last? = items.last, last.hasPrefix("bytes:") { items[items.count - 1] += String(decoding: chunk, as: UTF8.self) } else {
                            items.append("bytes:" + String(decoding: chunk, as: UTF8.self))
                        }
                    case .skippedFrame(let type, let length): items.append("skip(\(type),\(length))")
                    }
                }
                return nil
            } catch { return error }
        }
        if let error { return (items, error, false) }
    }
    return (items, nil, parser.isAtFrameBoundary)
}

@Suite("HTTP/3 frames")
struct HTTP3FrameTests {
    static let stream: [UInt8] = {
        var settings = HTTP3Settings()
        settings.maxFieldSectionSize = 16384
        settings.grease = (0x21, 7)
        return HTTP3Frame.settings(settings).encoded + HTTP3Frame.headers([0, 0, 0xd1]).encoded
            + HTTP3Frame.data(Array("hello world".utf8)).encoded + [0x21, 0x03, 1, 2, 3]  // grease frame
            + HTTP3Frame.goAway(id: 8).encoded + HTTP3Frame.maxPushID(300).encoded + HTTP3Frame.cancelPush(pushID: 2).encoded
            + HTTP3Frame.pushPromise(pushID: 1, fieldSection: [0, 0, 0xc1]).encoded + HTTP3Frame.data([]).encoded
    }()

    @Test("whole-buffer and byte-by-byte parsing agree", arguments: [1, 2, 3, 7, 1000])
    func splitting(step: Int) {
        let whole = parseFrames(Self.stream, step: Self.stream.count)
        let split = parseFrames(Self.stream, step: step)
        #expect(whole.error == nil && whole.boundary)
        #expect(split.items == whole.items)
        #expect(whole.items.count == 10)
        #expect(whole.items[3] == "bytes:hello world")
        #expect(whole.items[4] == "skip(33,3)")
    }

    @Test("frames round-trip through encode and parse")
    func roundTrip() throws {
        let frames: [HTTP3Frame] = [.headers([1, 2]), .cancelPush(pushID: 1 << 40), .goAway(id: 0), .maxPushID(7), .settings(HTTP3Settings()),
                                    .pushPromise(pushID: 3, fieldSection: [9])]
        for frame in frames {
            var parser = HTTP3FrameParser(maxFramePayload: 64)
            let encoded = frame.encoded
            let parsed: HTTP3Frame? = try encoded.withReader { (reader) throws(HTTP3Error) in
                if case .frame(let f)? = try parser.next(&reader) { return f }
                return nil
            }
            #expect(parsed == frame)
        }
    }

    @Test("layout and type errors map to the RFC 9114 codes")
    func errors() {
        let cases: [([UInt8], HTTP3ErrorCode)] = [
            ([0x07, 0x02, 0x00, 0x00], .frameError),  // GOAWAY with a trailing byte
            ([0x07, 0x00], .frameError),  // GOAWAY without its varint
            ([0x0d, 0x09] + [UInt8](repeating: 0, count: 9), .frameError),  // MAX_PUSH_ID longer than a varint
            ([0x04, 0x01, 0x06], .frameError),  // SETTINGS with half a parameter
            ([0x04, 0x04, 0x06, 0x01, 0x06, 0x02], .settingsError),  // duplicate identifier
            ([0x04, 0x02, 0x02, 0x00], .settingsError),  // HTTP/2 SETTINGS_ENABLE_PUSH
            ([0x02, 0x00], .frameUnexpected),  // HTTP/2 PRIORITY
            ([0x09, 0x00], .frameUnexpected),  // HTTP/2 CONTINUATION
            ([0x01, 0x80, 0x01, 0x00, 0x00], .excessiveLoad),  // HEADERS of 65536 bytes > cap
        ]
        for (bytes, code) in cases {
            #expect(parseFrames(bytes, step: 1).error?.code == code, "\(bytes)")
            #expect(parseFrames(bytes, step: bytes.count).error?.code == code, "\(bytes)")
        }
    }

    @Test("a stream ending inside a frame is H3_FRAME_ERROR")
    func truncatedAtEnd() {
        var parser = HTTP3FrameParser(maxFramePayload: 64)
        [UInt8]([0x00, 0x05, 0x61]).withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            while (try? parser.next(&reader)) != nil {}
        }
        #expect(throws: HTTP3Error(.frameError, "stream ended inside a frame")) { try parser.finish() }
    }
}
