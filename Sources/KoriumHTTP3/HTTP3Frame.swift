import KoriumWire

/// A complete HTTP/3 frame (RFC 9114 §7.2). DATA payloads normally stream through
/// ``HTTP3FrameParser`` without being collected; this type is what encoders write and what the
/// parser yields for every other known frame.
public enum HTTP3Frame: Hashable, Sendable {
    /// DATA (0x00): content bytes.
    case data([UInt8])
    /// HEADERS (0x01): an encoded field section.
    case headers([UInt8])
    /// CANCEL_PUSH (0x03).
    case cancelPush(pushID: UInt64)
    /// SETTINGS (0x04).
    case settings(HTTP3Settings)
    /// PUSH_PROMISE (0x05): a push ID and the encoded promised request field section.
    case pushPromise(pushID: UInt64, fieldSection: [UInt8])
    /// GOAWAY (0x07): a client-initiated bidirectional stream ID (from a server) or a push ID
    /// (from a client).
    case goAway(id: UInt64)
    /// MAX_PUSH_ID (0x0d).
    case maxPushID(UInt64)

    /// The frame type.
    public var type: UInt64 {
        switch self {
        case .data: HTTP3FrameType.data
        case .headers: HTTP3FrameType.headers
        case .cancelPush: HTTP3FrameType.cancelPush
        case .settings: HTTP3FrameType.settings
        case .pushPromise: HTTP3FrameType.pushPromise
        case .goAway: HTTP3FrameType.goAway
        case .maxPushID: HTTP3FrameType.maxPushID
        }
    }

    /// Writes type, length and payload.
    public func encode(to writer: inout ByteWriter) throws(WireError) {
        var payload = ByteWriter(capacity: 16)
        switch self {
        case .data(let bytes), .headers(let bytes):
            try writer.atomically { (writer: inout ByteWriter) throws(WireError) in
                try Self.writeHeader(type: type, length: bytes.count, to: &writer)
                try writer.writeBytes(bytes)
            }
            return
        case .cancelPush(let id), .goAway(let id), .maxPushID(let id):
            try payload.writeVarInt(VarInt(id))
        case .settings(let settings):
            try settings.encodePayload(to: &payload)
        case .pushPromise(let pushID, let fieldSection):
            try payload.writeVarInt(VarInt(pushID))
            try payload.writeBytes(fieldSection)
        }
        let bytes = payload.bytes
        try writer.atomically { (writer: inout ByteWriter) throws(WireError) in
            try Self.writeHeader(type: type, length: bytes.count, to: &writer)
            try writer.writeBytes(bytes)
        }
    }

    /// The encoded frame as a new array.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 16)
        // A growable writer never runs out of room; payloads never exceed 2^62−1 bytes.
        try? encode(to: &writer)
        return writer.bytes
    }

    /// Writes a frame header (type and payload length varints), e.g. before a DATA payload
    /// written separately.
    public static func writeHeader(type: UInt64, length: Int, to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (writer: inout ByteWriter) throws(WireError) in
            try writer.writeVarInt(VarInt(type))
            try writer.writeVarInt(VarInt(length))
        }
    }

    /// Decodes the payload of a buffered (non-DATA) frame of a known type; nil for a type
    /// that has no decoder here. A payload with missing or extra bytes is H3_FRAME_ERROR (§7.1).
    static func decode(type: UInt64, payload: UnsafeRawBufferPointer) throws(HTTP3Error) -> HTTP3Frame? {
        var reader = ByteReader(payload)
        switch type {
        case HTTP3FrameType.headers: return .headers([UInt8](payload))
        case HTTP3FrameType.settings: return .settings(try HTTP3Settings.decode(payload: payload))
        case HTTP3FrameType.cancelPush, HTTP3FrameType.goAway, HTTP3FrameType.maxPushID:
            let id: UInt64
            do throws(WireError) {
                id = try reader.readVarInt().value
                try reader.expectEnd()
            } catch {
                throw HTTP3Error(.frameError, "frame payload is not exactly one varint")
            }
            switch type {
            case HTTP3FrameType.cancelPush: return .cancelPush(pushID: id)
            case HTTP3FrameType.goAway: return .goAway(id: id)
            default: return .maxPushID(id)
            }
        case HTTP3FrameType.pushPromise:
            guard let id = try? reader.readVarInt().value else {
                throw HTTP3Error(.frameError, "PUSH_PROMISE without a push ID")
            }
            return .pushPromise(pushID: id, fieldSection: [UInt8](reader.readRemainingBytes()))
        default: return nil
        }
    }
}
