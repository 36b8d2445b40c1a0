import KoriumWire
/// Identifies a lookup started by `DHTNode`.
public struct LookupID: Hashable, Sendable, CustomStringConvertible {
    /// A per-node counter.
    public var rawValue: UInt64
    /// `L<n>`.
    public var description: String { "L" + String(rawValue) }
}

/// What a lookup is for.
public enum LookupKind: Hashable, Sendable {
    /// Find the k closest nodes to the target.
    case findNode
    /// Find the record stored under the target key.
    case findValue
    /// Find the k closest nodes to the record's key, then STORE it there.
    case store(DHTRecord, ttlSeconds: UInt32)
    /// Bucket refresh (a FIND_NODE whose result only feeds the routing table).
    case refresh
}

/// The outcome of a lookup, delivered as `DHTEvent.lookupFinished`.
public struct LookupResult: Sendable {
    /// Which lookup.
    public var id: LookupID
    /// What it was for.
    public var kind: LookupKind
    /// The target ID or key.
    public var target: NodeID
    /// The closest contacts that answered, closest first (≤ k).
    public var closest: [Contact]
    /// The record, for a successful FIND_VALUE.
    public var record: DHTRecord?
    /// FIND_VALUE: the record was found. FIND_NODE/refresh: at least one contact answered.
    /// STORE: at least one node stored the record.
    public var succeeded: Bool
    /// Hop depth of the answer: for FIND_VALUE the depth of the node that returned the value,
    /// otherwise the depth of the closest node that answered (seeds from the table are hop 1).
    public var hops: Int
    /// Requests sent (including STOREs).
    public var messagesSent: Int
    /// Requests that timed out.
    public var timeouts: Int
    /// Nodes that stored the record (STORE lookups).
    public var storedCount: Int
    /// Rejections returned by STORE targets, with the rejecting node.
    public var rejections: [(NodeID, StoreRejection)]
    /// When the lookup started and ended.
    public var startedAt: DHTInstant
    /// When the lookup ended.
    public var finishedAt: DHTInstant
    /// The k and α the lookup ran with.
    public var k: Int
    /// See `k`.
    public var alpha: Int
}

/// The state of one iterative lookup (Kademlia §2.3, libp2p-kad-dht "Peer routing"), with
/// optional S/Kademlia disjoint paths and latency-tier preference. Pure bookkeeping: the
/// node asks it which contacts to query next and tells it the answers.
struct Lookup {
    enum CandidateState: Equatable { case fresh, inFlight, responded, failed }

    struct Candidate {
        var contact: Contact
        var distance: Bytes32
        var state: CandidateState
        /// Depth at which the contact was first learned (seeds are hop 1).
        var hop: UInt8
        /// The path that queried it; before that, the first path that learned it.
        var path: UInt8
        /// Bit p set: path p learned this contact from its own seeds or responders.
        var known: UInt8
        /// In flight past the stall timeout: still awaited, but no longer holds an α slot.
        var stalled = false

        /// Whether path `p` may count this candidate in its window: a contact it learned
        /// itself and nobody has queried yet, or one it queried; never one another path queried
        /// (S/Kademlia: the paths share no node).
        @inline(__always)
        func isVisible(to p: Int) -> Bool {
            switch state {
            case .failed: return false
            case .fresh: return known & (1 << UInt8(p)) != 0
            case .inFlight, .responded: return Int(path) == p
            }
        }
    }

    enum Phase { case searching, storing(outstanding: Int), finished }

    let id: LookupID
    let kind: LookupKind
    let target: NodeID
    let k: Int
    let alpha: Int
    let pathCount: Int
    let startedAt: DHTInstant
    /// End of the search (LOOKUP_TOTAL_TIMEOUT after the start), then of the STORE round.
    var deadline: DHTInstant
    var candidates: [Candidate] = []
    var seen: Set<NodeID> = []
    var inFlight: [Int]
    var phase = Phase.searching
    var record: DHTRecord?
    var recordHop = 0
    var messagesSent = 0
    var timeouts = 0
    var storedCount = 0
    var rejections: [(NodeID, StoreRejection)] = []

    init(id: LookupID, kind: LookupKind, target: NodeID, k: Int, alpha: Int, paths: Int, now: DHTInstant, seeds: [Contact]) {
        self.id = id
        self.kind = kind
        self.target = target
        self.k = k
        self.alpha = alpha
        pathCount = max(1, min(paths, DHTLimits.maxDisjointPaths))
        startedAt = now
        deadline = now + DHTLimits.lookupTotalTimeout
        inFlight = Array(repeating: 0, count: pathCount)
        // S/Kademlia: seeds are dealt round-robin so the d paths start from disjoint sets.
        for (i, c) in seeds.enumerated() { add(c, hop: 1, path: UInt8(i % pathCount)) }
    }

    /// Adds a contact learned at `hop` by `path`; keeps the list sorted and bounded by dropping
    /// the farthest unqueried candidates.
    ///
    /// Disjoint paths: a contact another path learned first is not added twice, but this
    /// path's bit is set in its `known` mask, so while nobody has queried it either path may.
    /// Each path still only follows contacts its own chain of responders returned (a Sybil
    /// answering one path cannot steer another), and each node is queried by one path at most;
    /// but a path whose responders only name nodes another path has already been told about no
    /// longer starves (with first-come ownership it did, and against silent Sybils d = 3 lost
    /// to d = 1).
    mutating func add(_ contact: Contact, hop: Int, path: UInt8) {
        let isNew = seen.insert(contact.nodeID).inserted
        if !isNew, pathCount == 1 { return }
        let d = contact.nodeID.distance(to: target)
        var lo = 0, hi = candidates.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if candidates[mid].distance < d { lo = mid + 1 } else { hi = mid }
        }
        guard isNew else {
            // Distinct IDs have distinct distances, so an equal distance is this contact.
            if pathCount > 1, lo < candidates.count, candidates[lo].distance == d {
                candidates[lo].known |= 1 << path
            }
            return
        }
        candidates.insert(Candidate(contact: contact, distance: d, state: .fresh,
                                    hop: UInt8(clamping: hop), path: path, known: 1 << path), at: lo)
        if candidates.count > DHTLimits.maxLookupCandidates,
           let last = candidates.lastIndex(where: { $0.state == .fresh }) {
            candidates.remove(at: last)
        }
    }

    /// Picks the next contacts to query: per path, while fewer than α are in flight, the
    /// unqueried candidate among the path's k closest live ones with the lowest score. Without
    /// tiering the score is the rank (closest first). With tiering it is
    /// `TIERING_PENALTY_FACTOR`^tier × (1 + rank/k): each slower tier costs 1.5×, while the
    /// rank inside the window adds at most 2×, so a contact two tiers faster wins anywhere in
    /// the window. Termination still needs all k closest to answer, so tier preference only
    /// reorders queries; it never narrows the set Kademlia must visit.
    mutating func nextQueries(tier: (Contact) -> Int?) -> [Contact] {
        guard case .searching = phase else { return [] }
        var out: [Contact] = []
        for p in 0..<pathCount {
            while inFlight[p] < alpha {
                var bestIndex = -1
                var bestScore = Double.infinity
                var rank = 0
                for i in candidates.indices where candidates[i].isVisible(to: p) {
                    if rank >= k { break }
                    if candidates[i].state == .fresh, Int(candidates[i].hop) <= DHTLimits.maxLookupIterations {
                        let score: Double
                        if let t = tier(candidates[i].contact) {
                            score = (1 + Double(rank) / Double(k)) * LatencyTiering.penalty(tier: t)
                        } else {
                            score = Double(rank)
                        }
                        if score < bestScore { bestScore = score; bestIndex = i }
                    }
                    rank += 1
                }
                guard bestIndex >= 0 else { break }
                candidates[bestIndex].state = .inFlight
                candidates[bestIndex].path = UInt8(p)
                inFlight[p] += 1
                messagesSent += 1
                out.append(candidates[bestIndex].contact)
            }
        }
        return out
    }

    private func index(of id: NodeID) -> Int? { candidates.firstIndex { $0.contact.nodeID == id } }

    /// A queried contact answered with `contacts` (already PoW-checked by the node).
    mutating func handleNodes(from id: NodeID, contacts: [Contact]) {
        guard let i = index(of: id), candidates[i].state == .inFlight else { return }
        candidates[i].state = .responded
        let path = candidates[i].path
        let hop = Int(candidates[i].hop) + 1
        releaseSlot(i)
        for c in contacts { add(c, hop: hop, path: path) }
    }

    /// A queried contact returned the record.
    mutating func handleValue(from id: NodeID, record: DHTRecord) {
        guard let i = index(of: id), candidates[i].state == .inFlight else { return }
        candidates[i].state = .responded
        releaseSlot(i)
        if self.record == nil {
            self.record = record
            recordHop = Int(candidates[i].hop)
        }
    }

    /// A queried contact timed out or answered uselessly.
    mutating func handleFailure(from id: NodeID, timedOut: Bool) {
        guard let i = index(of: id), candidates[i].state == .inFlight else { return }
        candidates[i].state = .failed
        releaseSlot(i)
        if timedOut { timeouts += 1 }
    }

    /// A query has been in flight for `queryStallTimeout`: it keeps its place (an answer is
    /// still used) but frees its α slot so one slow or silent peer cannot hold up the lookup.
    /// Returns whether a slot was freed.
    mutating func handleStall(from id: NodeID) -> Bool {
        guard let i = index(of: id), candidates[i].state == .inFlight, !candidates[i].stalled else { return false }
        releaseSlot(i)
        candidates[i].stalled = true
        return true
    }

    private mutating func releaseSlot(_ i: Int) {
        if !candidates[i].stalled { inFlight[Int(candidates[i].path)] -= 1 }
        candidates[i].stalled = true
    }

    /// Whether path `p` has converged: its k closest live candidates all answered, or
    /// nothing is left to query and nothing is in flight.
    func isPathDone(_ p: Int) -> Bool {
        var rank = 0
        var pendingInWindow = false
        for c in candidates where c.isVisible(to: p) {
            if rank >= k { break }
            switch c.state {
            case .responded: break
            case .inFlight: pendingInWindow = true
            case .fresh: if Int(c.hop) <= DHTLimits.maxLookupIterations { pendingInWindow = true }
            case .failed: break
            }
            rank += 1
        }
        return !pendingInWindow && inFlight[p] == 0
    }

    /// Whether the search phase is over (value found, all paths converged, or out of time).
    func isSearchDone(now: DHTInstant) -> Bool {
        if case .findValue = kind, record != nil { return true }
        if now >= deadline { return true }
        return (0..<pathCount).allSatisfy { isPathDone($0) }
    }

    /// The k closest contacts that answered, over all paths.
    var closestResponded: [Contact] {
        var out: [Contact] = []
        for c in candidates where c.state == .responded {
            out.append(c.contact)
            if out.count >= k { break }
        }
        return out
    }

    /// Heap bytes of the lookup's lists.
    var heapBytes: Int {
        HeapSize.array(candidates) + HeapSize.set(seen) + HeapSize.array(inFlight) + HeapSize.array(rejections)
    }

    /// Hop depth of the closest contact that answered.
    var closestHop: Int {
        candidates.first { $0.state == .responded }.map { Int($0.hop) } ?? 0
    }
}
