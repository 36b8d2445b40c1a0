/// Every cap of KoriumHTTP3 in one place, with what happens when a peer reaches it.
public enum HTTP3Limits {
    /// Default SETTINGS_MAX_FIELD_SECTION_SIZE we advertise and enforce (RFC 9114 §4.2.2:
    /// name + value + 32 per field); also the cap on any buffered frame payload (HEADERS,
    /// SETTINGS, PUSH_PROMISE). Above it: H3_EXCESSIVE_LOAD.
    public static let maxFieldSectionSize = 64 * 1024
    /// Default number of request streams tracked at once (the transport's MAX_STREAMS should be
    /// lower); the peer opening more: H3_EXCESSIVE_LOAD.
    public static let maxRequestStreams = 1024
    /// Default number of peer unidirectional streams of unknown or reserved type being
    /// discarded at once; more: H3_EXCESSIVE_LOAD.
    public static let maxIgnoredStreams = 64
    /// Parameters in one SETTINGS frame; more: H3_EXCESSIVE_LOAD.
    public static let maxSettingsParameters = 256
}
