extension RecoveryState {
    /// Whether the application-limited flag is set (nothing was left to send while the window
    /// allowed more).
    var isAppLimited: Bool { if usesNewReno { return reno!.isAppLimited }; return cubic!.isAppLimited }

    /// RFC 9002 §7.8: the congestion window should not grow while it is not fully used. An ACK
    /// counts toward growth only when at least half the window was in flight (as in slow start's
    /// doubling, the window then tracks at most twice what the sender actually used). Without
    /// this a sender limited by flow control or pacing grew its window without bound and, when
    /// the path went dark, put the whole window (~700 datagrams on loopback) into the void.
    var isCongestionWindowLimited: Bool { 2 * bytesInFlight >= congestionWindow }
}
