// Fuzz target: HTTP/3 frames (RFC 9114 §7) through KoriumHTTP3's incremental HTTP3FrameParser,
// and the same bytes as a peer's control or request stream through HTTP3Session.
//
// The first byte picks a split pattern and a session role/stream. Invariants: parsing the whole
// input at once and in the chosen pieces gives the same outputs (frames, DATA bytes, skipped
// frames, error); after an error the parser keeps failing; every decoded frame re-encodes and
// re-parses to itself. The session must never trap and must report every connection error as
// exactly one close action carrying an HTTP/3 or QPACK code.
import FuzzSupport
import KoriumHTTP3
import KoriumQUIC

enum Item: Equatable {
    case frame(HTTP3Frame), dataStart(UInt64), data([UInt8]), skipped(UInt64, UInt64), error(HTTP3Error), end(Bool)
}

func parse(_ bytes: [UInt8], pieces: [Int]) -> [Item] {
    var parser = HTTP3FrameParser(maxFramePayload: 1024)
    var items: [Item] = []
    var data: [UInt8] = []
    var start = 0
    func flushData() {
        if !data.isEmpty { items.append(.data(data)); data = [] }
    }
    for size in pieces + [bytes.count] {
        let end = min(bytes.count, start + size)
        let piece = Array(bytes[start..<end])
        start = end
        var failed = false
        piece.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            while true {
                do throws(HTTP3Error) {
                    guard let output = try parser.next(&reader) else { return }
                    switch output {
                    case .data(let chunk): data += chunk
                    case .frame(let frame): flushData(); items.append(.frame(frame))
                    case .dataFrameStart(let length): flushData(); items.append(.dataStart(length))
                    case .skippedFrame(let type, let length): flushData(); items.append(.skipped(type, length))
                    }
                } catch {
                    flushData()
                    items.append(.error(error))
                    var again = ByteReader(raw)
                    fuzzCheck((try? parser.next(&again)) == nil, "parser continued after an error")
                    failed = true
                    return
                }
            }
        }
        if failed { return items }
        if start >= bytes.count { break }
    }
    flushData()
    items.append(.end(parser.isAtFrameBoundary))
    return items
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP3Frames(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let mode = input.takeUInt8()
    let bytes = input.takeRest()

    // Whole versus pieces (sizes 1...16 from a tiny generator seeded by the mode byte).
    let whole = parse(bytes, pieces: [])
    var pieces: [Int] = []
    var seed = UInt32(mode) &* 2_654_435_761 | 1
    var total = 0
    while total < bytes.count {
        seed = seed &* 1_103_515_245 &+ 12345
        let piece = Int(seed >> 16) % 16 + 1
        pieces.append(piece)
        total += piece
    }
    fuzzCheck(parse(bytes, pieces: pieces) == whole, "split parsing differs from whole parsing")

    for item in whole {
        guard case .frame(let frame) = item else { continue }
        let encoded = frame.encoded
        let again = parse(encoded, pieces: [])
        if case .frame(let reparsed) = again.first {
            fuzzCheck(reparsed == frame, "frame does not re-parse to itself")
        } else {
            fuzzCheck(false, "encoded frame did not parse")
        }
    }

    // The bytes as a peer stream of a session.
    let role: Role = mode & 1 == 0 ? .client : .server
    var session = HTTP3Session(role: role)
    session.start(controlStream: StreamID(index: 0, initiator: role, isBidirectional: false))
    let stream: StreamID
    switch (mode >> 1) & 3 {
    case 0: stream = StreamID(index: 0, initiator: role.peer, isBidirectional: false)  // peer unidirectional
    case 1: stream = StreamID(index: 0, initiator: .client, isBidirectional: true)  // request stream
    default: stream = StreamID(index: 1, initiator: .client, isBidirectional: true)
    }
    if role == .client, stream.isBidirectional {
        try? session.sendRequest(HTTP3Request(authority: "example.com", path: "/"), on: stream)
    }
    var start = 0
    for piece in pieces {
        let end = min(bytes.count, start + piece * 7)
        session.handleStreamData(stream, Array(bytes[start..<end]), fin: end == bytes.count && mode & 8 != 0)
        start = end
        if start == bytes.count { break }
    }
    var closes = 0
    while let action = session.pollAction() {
        if case .closeConnection(let error) = action {
            closes += 1
            fuzzCheck(error.code.rawValue >= 0x100 && error.code.rawValue <= 0x202, "close code outside HTTP/3 and QPACK")
        }
    }
    while session.pollEvent() != nil {}
    fuzzCheck(closes <= 1, "more than one close action")
    fuzzCheck((closes == 1) == (session.closeError != nil), "close action and close state disagree")
    return 0
}
