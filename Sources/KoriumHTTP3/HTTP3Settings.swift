import KoriumWire

/// The parameters of a SETTINGS frame (RFC 9114 §7.2.4, RFC 9204 §5). Unknown identifiers are
/// ignored on receipt, as §7.2.4 requires.
public struct HTTP3Settings: Hashable, Sendable {
    /// 0x01 SETTINGS_QPACK_MAX_TABLE_CAPACITY (default 0).
    public static let qpackMaxTableCapacityID: UInt64 = 0x01
    /// 0x06 SETTINGS_MAX_FIELD_SECTION_SIZE (default unlimited).
    public static let maxFieldSectionSizeID: UInt64 = 0x06
    /// 0x07 SETTINGS_QPACK_BLOCKED_STREAMS (default 0).
    public static let qpackBlockedStreamsID: UInt64 = 0x07

    /// The largest dynamic table the sender's decoder allows.
    public var qpackMaxTableCapacity: UInt64 = 0
    /// The largest field section (RFC 9114 §4.2.2 counting) the sender accepts; nil = unlimited.
    public var maxFieldSectionSize: UInt64? = nil
    /// How many streams may be blocked on the sender's decoder.
    public var qpackBlockedStreams: UInt64 = 0
    /// A reserved identifier `0x1f * N + 0x21` to send (RFC 9114 §7.2.4.1: endpoints SHOULD
    /// include one), with its value; ignored on receipt.
    public var grease: (id: UInt64, value: UInt64)? = nil

    /// Default settings: no dynamic table, no blocked streams, unlimited field sections.
    public init() {}

    /// Equality over the defined settings (grease is meaningless on receipt).
    public static func == (lhs: HTTP3Settings, rhs: HTTP3Settings) -> Bool {
        lhs.qpackMaxTableCapacity == rhs.qpackMaxTableCapacity && lhs.maxFieldSectionSize == rhs.maxFieldSectionSize
            && lhs.qpackBlockedStreams == rhs.qpackBlockedStreams
    }

    /// Hashes the defined settings.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(qpackMaxTableCapacity)
        hasher.combine(maxFieldSectionSize)
        hasher.combine(qpackBlockedStreams)
    }

    /// Writes the frame payload: each non-default setting (and the grease one) as two varints.
    public func encodePayload(to writer: inout ByteWriter) throws(WireError) {
        try writer.atomically { (writer: inout ByteWriter) throws(WireError) in
            if qpackMaxTableCapacity != 0 {
                try writer.writeVarInt(VarInt(Self.qpackMaxTableCapacityID))
                try writer.writeVarInt(VarInt(qpackMaxTableCapacity))
            }
            if let maxFieldSectionSize {
                try writer.writeVarInt(VarInt(Self.maxFieldSectionSizeID))
                try writer.writeVarInt(VarInt(maxFieldSectionSize))
            }
            if qpackBlockedStreams != 0 {
                try writer.writeVarInt(VarInt(Self.qpackBlockedStreamsID))
                try writer.writeVarInt(VarInt(qpackBlockedStreams))
            }
            if let grease {
                try writer.writeVarInt(VarInt(grease.id))
                try writer.writeVarInt(VarInt(grease.value))
            }
        }
    }

    /// The most parameters one SETTINGS frame may carry before it is treated as excessive load.
    public static let maxParameterCount = HTTP3Limits.maxSettingsParameters

    /// Decodes a SETTINGS payload. A truncated pair is H3_FRAME_ERROR; a duplicated identifier
    /// or an HTTP/2 setting without HTTP/3 counterpart is H3_SETTINGS_ERROR (§7.2.4, §7.2.4.1);
    /// more than ``maxParameterCount`` parameters is H3_EXCESSIVE_LOAD.
    public static func decode(payload: UnsafeRawBufferPointer) throws(HTTP3Error) -> HTTP3Settings {
        var reader = ByteReader(payload)
        var settings = HTTP3Settings()
        var seen: [UInt64] = []
        while !reader.isAtEnd {
            let id: UInt64, value: UInt64
            do throws(WireError) {
                id = try reader.readVarInt().value
                value = try reader.readVarInt().value
            } catch {
                throw HTTP3Error(.frameError, "truncated SETTINGS parameter")
            }
            // §7.2.4: the same identifier MUST NOT occur more than once.
            if seen.contains(id) { throw HTTP3Error(.settingsError, "duplicate SETTINGS identifier") }
            guard seen.count < maxParameterCount else { throw HTTP3Error(.excessiveLoad, "too many SETTINGS parameters") }
            seen.append(id)
            switch id {
            case qpackMaxTableCapacityID: settings.qpackMaxTableCapacity = value
            case maxFieldSectionSizeID: settings.maxFieldSectionSize = value
            case qpackBlockedStreamsID: settings.qpackBlockedStreams = value
            // §7.2.4.1, §11.2.2: the HTTP/2 settings 0x00, 0x02–0x05 MUST be treated as H3_SETTINGS_ERROR.
            case 0x00, 0x02, 0x03, 0x04, 0x05: throw HTTP3Error(.settingsError, "HTTP/2 setting in SETTINGS")
            default: break  // unknown and reserved identifiers are ignored
            }
        }
        return settings
    }
}
