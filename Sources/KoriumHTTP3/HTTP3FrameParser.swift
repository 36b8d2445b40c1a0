import KoriumWire

/// An incremental HTTP/3 frame parser for one stream (RFC 9114 §7.1): bytes arrive in pieces
/// of any size, frames come out as soon as they are complete.
///
/// DATA payloads are not collected: the parser reports the DATA frame header and then hands
/// out the payload bytes as they arrive, borrowed from the caller's input. Every other known
/// frame is collected up to `maxFramePayload` bytes (a larger one is H3_EXCESSIVE_LOAD) and
/// decoded whole. Unknown and reserved types are skipped without buffering (§9); the HTTP/2
/// types PRIORITY, PING, WINDOW_UPDATE and CONTINUATION are H3_FRAME_UNEXPECTED (§7.2.8).
/// After the first error the parser keeps throwing it.
public struct HTTP3FrameParser: Sendable {
    /// What ``next(_:)`` found.
    public enum Output {
        /// A complete non-DATA frame.
        case frame(HTTP3Frame)
        /// The header of a DATA frame whose payload has `length` bytes; `.data` pieces follow.
        case dataFrameStart(length: UInt64)
        /// A piece of a DATA payload, borrowed from the input given to ``next(_:)``: copy it
        /// before the input's memory goes away.
        case data(UnsafeRawBufferPointer)
        /// A frame of unknown or reserved type whose payload is being discarded.
        case skippedFrame(type: UInt64, length: UInt64)
    }

    enum Phase: Sendable {
        case header
        case data(remaining: UInt64)
        case buffered(type: UInt64, remaining: Int)
        case skipping(remaining: UInt64)
        case failed(HTTP3Error)
    }

    /// The cap on a buffered (non-DATA) frame payload.
    public let maxFramePayload: Int
    var phase: Phase = .header
    /// The bytes of a frame header read so far (at most 16: two 8-byte varints).
    var header: [UInt8] = []
    /// The payload of a buffered frame collected so far.
    var payload: [UInt8] = []

    /// A parser at the start of a stream's frames.
    public init(maxFramePayload: Int) {
        self.maxFramePayload = maxFramePayload
    }

    /// Whether the parser sits between two frames, so the stream may end here (§7.1: a stream
    /// that ends cleanly inside a frame is H3_FRAME_ERROR).
    public var isAtFrameBoundary: Bool {
        if case .header = phase { return header.isEmpty }
        if case .data(let remaining) = phase { return remaining == 0 }
        return false
    }

    /// Call when the stream ended cleanly (FIN): throws H3_FRAME_ERROR if a frame is cut short.
    public func finish() throws(HTTP3Error) {
        if case .failed(let error) = phase { throw error }
        guard isAtFrameBoundary else { throw HTTP3Error(.frameError, "stream ended inside a frame") }
    }

    /// Consumes bytes from `input` until one output is ready, and returns it; nil once `input`
    /// is used up with nothing complete.
    public mutating func next(_ input: inout ByteReader) throws(HTTP3Error) -> Output? {
        while true {
            switch phase {
            case .failed(let error):
                throw error
            case .data(let remaining) where remaining > 0:
                guard !input.isAtEnd else { return nil }
                let take = Int(min(remaining, UInt64(input.remaining)))
                phase = .data(remaining: remaining - UInt64(take))
                return .data(input.readRemainingBytesPrefix(take))
            case .data:
                phase = .header
            case .skipping(let remaining):
                if remaining == 0 {
                    phase = .header
                    continue
                }
                guard !input.isAtEnd else { return nil }
                let take = Int(min(remaining, UInt64(input.remaining)))
                _ = input.readRemainingBytesPrefix(take)
                phase = .skipping(remaining: remaining - UInt64(take))
            case .buffered(let type, let remaining):
                if remaining > 0 {
                    guard !input.isAtEnd else { return nil }
                    let take = min(remaining, input.remaining)
                    payload.append(contentsOf: input.readRemainingBytesPrefix(take))
                    phase = .buffered(type: type, remaining: remaining - take)
                    if remaining - take > 0 { return nil }
                }
                phase = .header
                let collected = payload
                payload = []
                let decoded: Result<HTTP3Frame?, HTTP3Error> = collected.withUnsafeBytes { raw in
                    do throws(HTTP3Error) { return .success(try HTTP3Frame.decode(type: type, payload: raw)) } catch {
                        return .failure(error)
                    }
                }
                switch decoded {
                case .success(let frame?): return .frame(frame)
                case .success(nil): continue
                case .failure(let error):
                    phase = .failed(error)
                    throw error
                }
            case .header:
                guard let (type, length) = readHeader(&input) else { return nil }
                do throws(HTTP3Error) {
                    if let output = try begin(type: type, length: length) { return output }
                } catch {
                    phase = .failed(error)
                    throw error
                }
            }
        }
    }

    /// Collects header bytes; returns type and length once both varints are complete.
    mutating func readHeader(_ input: inout ByteReader) -> (UInt64, UInt64)? {
        while let byte = try? input.readUInt8() {
            header.append(byte)
            let typeLength = VarInt.encodedLength(firstByte: header[0])
            guard header.count > typeLength else { continue }
            let total = typeLength + VarInt.encodedLength(firstByte: header[typeLength])
            guard header.count == total else { continue }
            let parsed: (UInt64, UInt64)? = header.withReader { reader in
                guard let type = try? reader.readVarInt(), let length = try? reader.readVarInt() else { return nil }
                return (type.value, length.value)
            }
            header.removeAll(keepingCapacity: true)
            return parsed
        }
        return nil
    }

    /// Sets up the payload phase for a frame header; returns an output to report at once.
    mutating func begin(type: UInt64, length: UInt64) throws(HTTP3Error) -> Output? {
        switch type {
        case HTTP3FrameType.data:
            phase = .data(remaining: length)
            return .dataFrameStart(length: length)
        case HTTP3FrameType.headers, HTTP3FrameType.settings, HTTP3FrameType.pushPromise,
             HTTP3FrameType.cancelPush, HTTP3FrameType.goAway, HTTP3FrameType.maxPushID:
            let isSingleVarInt = type == HTTP3FrameType.cancelPush || type == HTTP3FrameType.goAway
                || type == HTTP3FrameType.maxPushID
            // §7.1: these payloads are exactly one varint, at most 8 bytes.
            if isSingleVarInt && length > 8 { throw HTTP3Error(.frameError, "frame longer than its one varint") }
            guard length <= UInt64(maxFramePayload) else { throw HTTP3Error(.excessiveLoad, "frame payload above the cap") }
            payload.reserveCapacity(Int(length))
            phase = .buffered(type: type, remaining: Int(length))
            return nil
        default:
            // §7.2.8: HTTP/2 frame types without HTTP/3 meaning MUST be H3_FRAME_UNEXPECTED.
            if HTTP3FrameType.isReservedHTTP2(type) { throw HTTP3Error(.frameUnexpected, "HTTP/2 frame type") }
            // §9: unknown frame types (including grease) MUST be ignored.
            phase = .skipping(remaining: length)
            return .skippedFrame(type: type, length: length)
        }
    }
}

extension ByteReader {
    /// Consumes the next `count` bytes, known to be available.
    @inlinable
    mutating func readRemainingBytesPrefix(_ count: Int) -> UnsafeRawBufferPointer {
        let slice = UnsafeRawBufferPointer(rebasing: remainingBytes[0..<count])
        // `count` ≤ `remaining`, so skipping cannot fail.
        try? skip(count)
        return slice
    }
}
