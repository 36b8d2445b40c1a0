import KoriumGossip
import KoriumSim

/// What simulated gossip nodes exchange: router RPCs, plus the connection events a transport
/// (QUIC) would provide — open (`hello`), close (`bye`) and keep-alive (`ping`).
public enum GossipSimMessage: SimMessage {
    /// A router RPC.
    case rpc(GossipRPC)
    /// Opens (or re-opens, after a restart) a connection.
    case hello
    /// Closes the connection, or refuses traffic on a connection the receiver does not know.
    case bye
    /// Keep-alive.
    case ping

    /// One tag byte plus the RPC's codec encoding.
    public var wireSize: Int {
        switch self {
        case .rpc(let r): return 1 + r.wireSize
        case .hello, .bye, .ping: return 1
        }
    }
}
