/// Approximate memory a node holds, by table (`DHTNode.memoryUsage`): allocated capacity of
/// each table's heap storage, in bytes. The simulator prints it per node, since 10⁵ nodes
/// share one process and the per-node footprint decides how large a run fits.
public struct DHTMemoryUsage: Sendable, Equatable {
    /// The `DHTNode` value itself (inline fields of every table).
    public var inline = 0
    /// k-buckets: the bucket array and the contact lists.
    public var routingTable = 0
    /// Replacement caches of the k-buckets.
    public var replacementCaches = 0
    /// Per-IP contact counts of the routing table.
    public var perIPCounts = 0
    /// Latency-tiering prefix table and centroids.
    public var tiering = 0
    /// Per-peer and per-IP routing-insertion limiters.
    public var insertionLimiters = 0
    /// Local value store tables: entry map, per-publisher usage, store rate limiter.
    public var valueStoreTables = 0
    /// Encoded bytes of the held records (the quota unit; in the simulator identical records
    /// share one buffer between holders, so this overstates the process's resident bytes).
    public var valueRecords = 0
    /// Outcome window behind adaptive k and α.
    public var adaptiveWindow = 0
    /// Lookups in progress (candidate lists, seen sets).
    public var lookups = 0
    /// Requests awaiting answers.
    public var pendingRequests = 0
    /// Transmit and event queues.
    public var queues = 0

    /// An empty account.
    public init() {}

    /// Everything except `valueRecords`.
    public var tables: Int {
        inline + routingTable + replacementCaches + perIPCounts + tiering + insertionLimiters + valueStoreTables + adaptiveWindow + lookups
            + pendingRequests + queues
    }

    /// Every field divided by `n` (a mean over `n` nodes from their sum).
    public func divided(by n: Int) -> DHTMemoryUsage {
        let d = max(1, n)
        var r = DHTMemoryUsage()
        r.inline = inline / d
        r.routingTable = routingTable / d
        r.replacementCaches = replacementCaches / d
        r.perIPCounts = perIPCounts / d
        r.tiering = tiering / d
        r.insertionLimiters = insertionLimiters / d
        r.valueStoreTables = valueStoreTables / d
        r.valueRecords = valueRecords / d
        r.adaptiveWindow = adaptiveWindow / d
        r.lookups = lookups / d
        r.pendingRequests = pendingRequests / d
        r.queues = queues / d
        return r
    }

    /// Field-wise sum (for averaging over nodes).
    public static func + (a: DHTMemoryUsage, b: DHTMemoryUsage) -> DHTMemoryUsage {
        var r = DHTMemoryUsage()
        r.inline = a.inline + b.inline
        r.routingTable = a.routingTable + b.routingTable
        r.replacementCaches = a.replacementCaches + b.replacementCaches
        r.perIPCounts = a.perIPCounts + b.perIPCounts
        r.tiering = a.tiering + b.tiering
        r.insertionLimiters = a.insertionLimiters + b.insertionLimiters
        r.valueStoreTables = a.valueStoreTables + b.valueStoreTables
        r.valueRecords = a.valueRecords + b.valueRecords
        r.adaptiveWindow = a.adaptiveWindow + b.adaptiveWindow
        r.lookups = a.lookups + b.lookups
        r.pendingRequests = a.pendingRequests + b.pendingRequests
        r.queues = a.queues + b.queues
        return r
    }

    /// The labelled fields, in declaration order (for tables).
    public var fields: [(name: String, bytes: Int)] {
        [("inline", inline), ("routing table", routingTable), ("replacement caches", replacementCaches),
         ("per-IP counts", perIPCounts), ("tiering", tiering),
         ("insertion limiters", insertionLimiters), ("value store tables", valueStoreTables),
         ("value records", valueRecords), ("adaptive window", adaptiveWindow), ("lookups", lookups),
         ("pending requests", pendingRequests), ("queues", queues)]
    }
}
