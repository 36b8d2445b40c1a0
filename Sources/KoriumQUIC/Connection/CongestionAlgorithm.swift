/// Which congestion controller a connection runs (RFC 9002 §7).
public enum CongestionAlgorithm: Sendable, Hashable {
    /// NewReno (RFC 9002 §7, Appendix B).
    case newReno
    /// CUBIC (RFC 9438).
    case cubic
}
