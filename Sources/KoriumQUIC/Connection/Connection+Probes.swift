extension Connection {
    /// RFC 9002 §6.2.4: an Initial or Handshake probe carries the CRYPTO data still
    /// unacknowledged rather than a bare PING. When a PTO arms two probes the first one takes
    /// the requeued data; this requeues it again for the second, so each probe datagram can
    /// complete the handshake alone (a server that lost the first Initial to corruption sees a
    /// CRYPTO frame in whichever probe arrives; aioquic rejects a first Initial without one
    /// as RFC 9000 §17.2.2 says it always has one).
    mutating func requeueCryptoForProbe(space s: Int) {
        guard !spaces[s].crypto.hasDataToSend else { return }
        var ranges: [Range<UInt64>] = []
        spaces[s].sent.liveFrames { frame in
            if case .crypto(let offset, let length) = frame { ranges.append(offset..<(offset + UInt64(length))) }
        }
        for range in ranges { spaces[s].crypto.onLost(range) }
    }
}
