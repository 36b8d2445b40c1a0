import Glibc
import KoriumCrypto
import KoriumTLS

/// Everything a ``Connection`` needs besides addresses and connection IDs. Every knob has a
/// default; only the TLS configuration is required.
public struct ConnectionConfiguration: Sendable {
    /// The TLS side: identity, peer verification, ALPN, cipher suites.
    public var tls: TLSConfiguration
    /// Our transport parameters (limits we grant the peer). The connection fills in the
    /// connection-ID and token fields itself (RFC 9000 §7.3, §10.3).
    public var transportParameters: TransportParameters
    /// The congestion controller.
    public var congestion: CongestionAlgorithm = .cubic
    /// Cap for the auto-tuned receive window of one stream.
    public var maxStreamReceiveWindow: UInt64 = 16 << 20
    /// Cap for the auto-tuned connection receive window.
    public var maxConnectionReceiveWindow: UInt64 = 64 << 20
    /// Send buffer per stream: writes beyond it are short (back-pressure).
    public var streamSendBufferSize: Int = 1 << 20
    /// Initiate a 1-RTT key update (RFC 9001 §6) every this many packets sent; nil: only when asked.
    public var keyUpdateInterval: UInt64?
    /// Send a PING when nothing was sent for this long, keeping the idle timer and NAT bindings alive.
    public var keepAliveInterval: Duration?
    /// Length of the connection IDs we issue (RFC 9000 §5.1): short headers do not encode it, so
    /// the endpoint and all its connections must agree.
    public var localConnectionIDLength: Int = 8
    /// The largest UDP payload we send: the ceiling of PMTU discovery, which also never exceeds
    /// the peer's max_udp_payload_size. The default, 1452, is a 1500-byte Ethernet MTU minus the
    /// IPv6 and UDP headers (what quinn uses too); loopback carries up to 65,527 (IPv6) or 65,507
    /// (IPv4), which cuts the per-packet cost of bulk transfers. Connections start at 1200.
    public var maxUDPPayloadSize: Int = 1452
    /// DPLPMTUD (RFC 9000 §14.3, RFC 8899): probe for sizes above 1200 after the handshake. Off:
    /// every datagram stays within 1200 bytes (RFC 9000 §14.2 without a PMTU mechanism).
    public var pmtuDiscovery = true
    /// Outgoing DATAGRAM frames queued at most (RFC 9221 is unreliable: beyond this, refuse).
    public var maxQueuedDatagrams: Int = 64
    /// Incoming DATAGRAM events held at most before the oldest is dropped.
    public var maxReceivedDatagrams: Int = 256
    /// The key stateless reset tokens are derived from (RFC 9000 §10.3.2); the endpoint shares
    /// one key with every connection so it can answer for lost state.
    public var statelessResetKey: SecureBytes = SecureBytes(randomCount: 32)
    /// Where qlog events go (`QLogSink`; `QLogFileSink` in KoriumIO writes JSON-SEQ files); nil:
    /// no logging, and the hooks cost one nil check.
    public var qlog: (any QLogSink)?
    /// Randomness for connection IDs, packet padding bits and PATH_CHALLENGE data; tests inject a
    /// seeded source.
    public var random: @Sendable (UnsafeMutableRawBufferPointer) -> Void = { SecureRandom.fill($0) }
    /// Unix time in seconds, read once at creation for certificate validity (TLS needs calendar
    /// time; the transport itself only uses the caller's monotonic `now`).
    public var unixTime: @Sendable () -> Int64 = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }

    /// Defaults around `tls`: 30 s idle timeout, 16 MiB connection / 1 MiB stream initial
    /// windows, 100 streams of each kind, DATAGRAM frames up to 1200 bytes.
    public init(tls: TLSConfiguration) {
        self.tls = tls
        var tp = TransportParameters()
        tp.maxIdleTimeout = 30_000
        tp.initialMaxData = 16 << 20
        tp.initialMaxStreamDataBidiLocal = 1 << 20
        tp.initialMaxStreamDataBidiRemote = 1 << 20
        tp.initialMaxStreamDataUni = 1 << 20
        tp.initialMaxStreamsBidi = 100
        tp.initialMaxStreamsUni = 100
        tp.activeConnectionIDLimit = 4
        tp.maxUDPPayloadSize = 65527
        tp.maxDatagramFrameSize = 1200
        transportParameters = tp
    }
}
