import KoriumCrypto

/// The running hash of the handshake transcript (RFC 8446 §4.4.1): every message is absorbed
/// once, and each `Transcript-Hash` the key schedule, CertificateVerify and Finished need is a
/// snapshot of the state, instead of hashing the whole transcript again at each of them (five
/// to seven times per handshake and side).
///
/// The session keeps the transcript bytes as well (the HelloRetryRequest rewrite needs them);
/// this state follows them: ``digest(of:_:)`` absorbs what was appended since the last call, and
/// ``reset()`` must be called whenever the transcript is replaced rather than appended to.
struct TranscriptHash: Sendable {
    enum State: Sendable {
        case sha256(SHA256)
        case sha384(SHA384)
    }

    private var state: State?
    /// Transcript bytes absorbed into `state`.
    private var absorbed = 0

    /// `Transcript-Hash(transcript)` with `algorithm`, absorbing only the bytes appended since
    /// the previous call. A different algorithm than before (never after the suite is chosen)
    /// or a shorter transcript starts over from the beginning.
    mutating func digest(of transcript: [UInt8], _ algorithm: TLSHashAlgorithm) -> [UInt8] {
        if absorbed > transcript.count { reset() }
        switch (state, algorithm) {
        case (.sha256, .sha256), (.sha384, .sha384): break
        case (_, .sha256): state = .sha256(SHA256()); absorbed = 0
        case (_, .sha384): state = .sha384(SHA384()); absorbed = 0
        }
        transcript.withUnsafeBytes { raw in
            let fresh = UnsafeRawBufferPointer(rebasing: raw[absorbed...])
            switch state {
            case .sha256(var h): h.update(fresh); state = .sha256(h)
            case .sha384(var h): h.update(fresh); state = .sha384(h)
            case nil: break
            }
        }
        absorbed = transcript.count
        switch state {
        case .sha256(let h): return h.finalize()
        case .sha384(let h): return h.finalize()
        case nil: return algorithm.hash(transcript)
        }
    }

    /// Forgets the absorbed bytes (the transcript was replaced).
    mutating func reset() {
        state = nil
        absorbed = 0
    }
}
