/// KoriumIO: non-blocking UDP sockets with batched `recvmmsg`/`sendmmsg` into reused buffers,
/// optional UDP GSO/GRO, ECN and packet-info ancillary data, the `DatagramTransport` seam, and an
/// epoll event loop (one thread per loop) with timers and an async bridge.
///
/// Linux only. System calls the Glibc module hides come from the `CKoriumSys` shim.
public enum KoriumIO {
    /// Largest UDP payload sent in one system call (IPv4: 65,535 − 20 − 8). Caps a GSO super-datagram.
    public static let maxUDPPayload = 65_507
    /// Most segments one GSO send may carry (`UDP_MAX_SEGMENTS` on older kernels).
    public static let maxSegmentsPerSend = 64
}
