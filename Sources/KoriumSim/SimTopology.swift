/// A synthetic IPv4 address of a simulated node. Nodes that share a /16 prefix share a cluster
/// and an access network, so per-prefix latency statistics (DHT tiering) are meaningful.
@frozen
public struct SimAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The address as a big-endian-order 32-bit value (`a.b.c.d` = a<<24 | b<<16 | c<<8 | d).
    public var ipv4: UInt32
    /// An address from its 32-bit value.
    @inlinable public init(ipv4: UInt32) { self.ipv4 = ipv4 }
    /// The /16 prefix (the first two octets).
    @inlinable public var prefix16: UInt16 { UInt16(truncatingIfNeeded: ipv4 >> 16) }
    /// Orders addresses numerically.
    @inlinable public static func < (a: SimAddress, b: SimAddress) -> Bool { a.ipv4 < b.ipv4 }
    /// Dotted-quad form, e.g. `16.3.0.17`.
    public var description: String {
        [24, 16, 8, 0].map { String((ipv4 >> UInt32($0)) & 0xFF) }.joined(separator: ".")
    }
}

/// Where nodes sit and how far apart they are: the base one-way delay between any two nodes.
///
/// Clustered model: nodes are spread over region-like clusters; each cluster owns several
/// synthetic /16 prefixes; each prefix has its own access delay. The one-way delay from a to b is
/// `clusterRTT[ca][cb] / 2 + access[prefix a] + access[prefix b]`. Cluster RTTs come from points
/// on a ring (think longitudes around the globe): intra-cluster RTTs are a few ms, inter-cluster
/// RTTs grow with ring distance from `interClusterRTT.lowerBound` to `.upperBound`.
/// Jitter, loss and bandwidth are the link model's business (`SimLinkProfile`), not the topology's.
/// Immutable once built, so one topology can be shared by runs and contexts.
public final class SimTopology: Sendable {
    /// Parameters of the clustered model.
    public struct Clustered: Sendable {
        /// Number of region-like clusters (1…1,024).
        public var clusters: Int = 8
        /// Synthetic /16 prefixes per cluster (1…4,096; total ≤ 57,344).
        public var prefixesPerCluster: Int = 16
        /// Range of round-trip times inside one cluster.
        public var intraClusterRTT: ClosedRange<SimDuration> = .milliseconds(2)...(.milliseconds(10))
        /// Range of round-trip times between clusters (nearest … farthest on the ring).
        public var interClusterRTT: ClosedRange<SimDuration> = .milliseconds(30)...(.milliseconds(300))
        /// Range of one-way access delays of a prefix (added at both ends).
        public var accessDelay: ClosedRange<SimDuration> = .microseconds(100)...(.milliseconds(2))
        /// Relative cluster sizes are drawn uniformly from 1…`sizeSkew` (1 = equal sizes).
        public var sizeSkew: Double = 4
        /// The default model: 8 clusters × 16 prefixes.
        public init() {}
    }

    /// The number of nodes placed.
    public let nodeCount: Int
    /// The number of clusters.
    public let clusterCount: Int
    /// Per node: its synthetic address.
    @usableFromInline let addresses: [UInt32]
    /// Per prefix slot: its cluster.
    @usableFromInline let prefixCluster: [UInt16]
    /// Per prefix slot: its one-way access delay in ns.
    @usableFromInline let prefixAccess: [Int64]
    /// clusterCount × clusterCount one-way base delays in ns (RTT / 2).
    @usableFromInline let clusterOneWay: [Int64]
    /// The first synthetic /16 prefix value (16.0.0.0/16); prefix slot i is `firstPrefix + i`.
    public static let firstPrefix: UInt32 = 0x1000
    /// The largest prefix-slot count (prefixes 16.0 … 239.255 stay in unicast space).
    public static let maxPrefixes = 57_344

    @usableFromInline
    init(nodeCount: Int, clusterCount: Int, addresses: [UInt32], prefixCluster: [UInt16], prefixAccess: [Int64],
         clusterOneWay: [Int64]) {
        self.nodeCount = nodeCount
        self.clusterCount = clusterCount
        self.addresses = addresses
        self.prefixCluster = prefixCluster
        self.prefixAccess = prefixAccess
        self.clusterOneWay = clusterOneWay
    }

    /// Every node in one prefix and one cluster with the same one-way delay between any two
    /// (a LAN, or the two ends of a pair link whose latency the link profile sets).
    public static func uniform(nodeCount: Int, oneWayDelay: SimDuration = .zero) -> SimTopology {
        precondition(nodeCount >= 0 && nodeCount <= 65_534, "uniform topology: at most 65,534 nodes in one /16")
        let prefix = firstPrefix << 16
        return SimTopology(
            nodeCount: nodeCount, clusterCount: 1,
            addresses: (0..<nodeCount).map { prefix | UInt32($0 + 1) },
            prefixCluster: [0], prefixAccess: [0], clusterOneWay: [max(0, oneWayDelay.nanoseconds)])
    }

    /// The clustered model for `nodeCount` nodes, laid out deterministically from `seed`.
    public static func clustered(nodeCount: Int, seed: UInt64, _ model: Clustered = Clustered()) -> SimTopology {
        precondition(nodeCount >= 0, "clustered topology: negative node count")
        precondition((1...1_024).contains(model.clusters), "clustered topology: clusters must be 1…1024")
        precondition(
            model.prefixesPerCluster >= 1 && model.clusters * model.prefixesPerCluster <= maxPrefixes,
            "clustered topology: too many prefixes")
        var rng = SimRandom(seed: seed, node: UInt64.max, stream: 0x7090)
        let c = model.clusters
        func draw(_ r: ClosedRange<SimDuration>) -> Int64 {
            let span = r.upperBound.nanoseconds - r.lowerBound.nanoseconds
            return r.lowerBound.nanoseconds + (span > 0 ? Int64(rng.nextDouble() * Double(span)) : 0)
        }
        // Cluster positions on a ring in [0, 1); distance is the shorter arc, in [0, 0.5].
        let positions = (0..<c).map { _ in rng.nextDouble() }
        let intra = (0..<c).map { _ in draw(model.intraClusterRTT) }
        var oneWay = [Int64](repeating: 0, count: c * c)
        let lo = Double(model.interClusterRTT.lowerBound.nanoseconds)
        let hi = Double(model.interClusterRTT.upperBound.nanoseconds)
        for a in 0..<c {
            for b in 0..<c {
                if a == b {
                    oneWay[a * c + b] = intra[a] / 2
                } else {
                    let d = abs(positions[a] - positions[b])
                    let arc = min(d, 1 - d) * 2  // 0…1
                    oneWay[a * c + b] = Int64((lo + (hi - lo) * arc) / 2)
                }
            }
        }
        let prefixCount = c * model.prefixesPerCluster
        let prefixCluster = (0..<prefixCount).map { UInt16($0 / model.prefixesPerCluster) }
        let prefixAccess = (0..<prefixCount).map { _ in draw(model.accessDelay) }
        // Cluster sizes: weights 1…sizeSkew; a node picks a cluster by weight, then a prefix.
        let weights = (0..<c).map { _ in 1 + rng.nextDouble() * max(0, model.sizeSkew - 1) }
        let total = weights.reduce(0, +)
        var cumulative = [Double]()
        var acc = 0.0
        for w in weights {
            acc += w / total
            cumulative.append(acc)
        }
        var hostCounter = [UInt32](repeating: 0, count: prefixCount)
        var addresses = [UInt32]()
        addresses.reserveCapacity(nodeCount)
        for _ in 0..<nodeCount {
            let u = rng.nextDouble()
            var cluster = 0
            while cluster < c - 1 && u >= cumulative[cluster] { cluster += 1 }
            let slot = cluster * model.prefixesPerCluster + rng.nextInt(below: model.prefixesPerCluster)
            hostCounter[slot] += 1
            // Hosts 1…65,534 per /16; beyond that the host part wraps (the /16 stays right).
            let host = (hostCounter[slot] - 1) % 65_534 + 1
            addresses.append((firstPrefix + UInt32(slot)) << 16 | host)
        }
        return SimTopology(
            nodeCount: nodeCount, clusterCount: c, addresses: addresses, prefixCluster: prefixCluster,
            prefixAccess: prefixAccess, clusterOneWay: oneWay)
    }

    /// A copy of this topology in which every node of `ids` has the address of `host` (same IP,
    /// same prefix, same delays) — for IP-colocation attacks and per-IP limits.
    public func colocating(_ ids: [SimNodeID], with host: SimNodeID) -> SimTopology {
        var copy = addresses
        for id in ids { copy[id.index] = addresses[host.index] }
        return SimTopology(
            nodeCount: nodeCount, clusterCount: clusterCount, addresses: copy, prefixCluster: prefixCluster,
            prefixAccess: prefixAccess, clusterOneWay: clusterOneWay)
    }

    /// The node's synthetic address.
    @inlinable
    public func address(of node: SimNodeID) -> SimAddress { SimAddress(ipv4: addresses[node.index]) }

    @inlinable
    func prefixSlot(_ node: Int) -> Int { Int(addresses[node] >> 16 &- Self.firstPrefix) }

    /// The cluster (region) of `node`.
    @inlinable
    public func cluster(of node: SimNodeID) -> Int { Int(prefixCluster[prefixSlot(node.index)]) }

    /// The base one-way delay from `a` to `b` before jitter and queueing.
    @inlinable
    public func oneWayDelay(from a: SimNodeID, to b: SimNodeID) -> SimDuration {
        let pa = prefixSlot(a.index)
        let pb = prefixSlot(b.index)
        let ca = Int(prefixCluster[pa])
        let cb = Int(prefixCluster[pb])
        return SimDuration(nanoseconds: clusterOneWay[ca &* clusterCount &+ cb] &+ prefixAccess[pa] &+ prefixAccess[pb])
    }

    /// The base round-trip time between `a` and `b`.
    @inlinable
    public func rtt(_ a: SimNodeID, _ b: SimNodeID) -> SimDuration {
        oneWayDelay(from: a, to: b) + oneWayDelay(from: b, to: a)
    }

    /// Bytes of topology state per node (the address), for the memory benchmark.
    public static let bytesPerNode = MemoryLayout<UInt32>.stride
}
