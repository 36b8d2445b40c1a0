import KoriumIO
import KoriumSim

/// How a `NetemProxy` is set up: where it listens, where the server is, and the impairments.
public struct NetemProxyConfiguration: Sendable {
    /// Most client flows (distinct client addresses) tracked at once; the least recently active
    /// one is evicted for a new client.
    public static let defaultMaxFlows = 16
    /// Abandoned upstream bindings kept per flow after rebinds (their traffic is dropped, as a
    /// NAT drops traffic to a mapping it has forgotten); the oldest is closed beyond this.
    public static let maxStaleBindings = 8

    /// The address clients send to (port 0 picks one; IPv4 or IPv6, e.g. `[::1]:0`).
    public var listen: SocketAddress
    /// The server the proxy forwards to.
    public var server: SocketAddress
    /// Seed of every random decision.
    public var seed: UInt64 = 1
    /// Impairments from client to server.
    public var clientToServer = ImpairmentParameters()
    /// Impairments from server to client.
    public var serverToClient = ImpairmentParameters()
    /// Timed changes, blackholes and rebinds (times count from the first datagram).
    public var script: [ImpairmentEvent] = []
    /// Buffer slots of the core (datagrams held at once).
    public var slotCount = ImpairmentCore.defaultSlotCount
    /// Largest datagram carried.
    public var maxDatagramSize = ImpairmentCore.defaultMaxDatagramSize
    /// Most client flows tracked at once.
    public var maxFlows = defaultMaxFlows

    /// A proxy from `listen` to `server` with no impairment yet.
    public init(listen: SocketAddress, server: SocketAddress) {
        self.listen = listen
        self.server = server
    }
}

/// A configuration the proxy cannot run, or a socket failure while setting it up.
public enum NetemProxyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A socket operation failed.
    case io(IOError)
    /// `rebind-addr` needs an IPv4 loopback server: IPv6 has a single loopback address (::1).
    case addressRebindNeedsIPv4Loopback(SocketAddress)
    /// Sizes must be positive (and the flow cap at least 1).
    case invalidSize(String)

    /// What went wrong and what to do.
    public var description: String {
        switch self {
        case .io(let e): return e.description
        case .addressRebindNeedsIPv4Loopback(let a):
            return "rebind-addr moves the client to another 127.0.0.x address: the server (\(a)) must be on IPv4 loopback"
        case .invalidSize(let what): return "\(what) must be positive"
        }
    }
}

/// What the proxy did so far: the core's counters per direction plus the driver's own.
public struct NetemProxyStats: Sendable, Equatable {
    /// Client → server counters.
    public var clientToServer = ImpairmentCounters()
    /// Server → client counters.
    public var serverToClient = ImpairmentCounters()
    /// Rebinds carried out (each moves every flow to a new upstream binding).
    public var rebinds = 0
    /// Client → server datagrams forwarded since the last rebind (all of them before any):
    /// evidence that traffic continued on the new binding.
    public var forwardedSinceRebind = 0
    /// Client flows created.
    public var flows = 0
    /// Server datagrams that reached an abandoned (pre-rebind) binding and were dropped.
    public var staleDropped = 0
    /// Datagrams the kernel refused or that found the socket buffer full at delivery.
    public var sendDropped = 0
    /// Datagrams delivered for a flow evicted meanwhile.
    public var orphaned = 0
    /// The local address the most recent flow's traffic reaches the server from.
    public var upstreamAddress: SocketAddress?

    /// Zero stats.
    public init() {}

    /// The stable one-line form printed on exit:
    /// `netem-proxy c2s_received=… … s2c_received=… … rebinds=… c2s_forwarded_since_rebind=… flows=…
    /// stale_dropped=… send_dropped=… orphaned=…`.
    public var line: String {
        "netem-proxy " + clientToServer.fields(prefix: "c2s_") + " " + serverToClient.fields(prefix: "s2c_")
            + " rebinds=\(rebinds) c2s_forwarded_since_rebind=\(forwardedSinceRebind) flows=\(flows) stale_dropped=\(staleDropped) send_dropped=\(sendDropped) orphaned=\(orphaned)"
    }
}
