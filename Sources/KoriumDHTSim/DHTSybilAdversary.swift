import KoriumDHT
import KoriumSim

/// Colluding Sybil nodes for the S/Kademlia experiments: they hold valid proof-of-work
/// identities, answer PING and STORE like honest nodes (so they stay in routing tables), but
/// answer FIND_NODE / FIND_VALUE either with the Sybils closest to the target (steering the
/// lookup into the Sybil set, never returning the value) or not at all.
public final class DHTSybilAdversary: SimAdversary {
    /// The core type.
    public typealias Node = DHTSimNode

    /// How the Sybils misbehave on lookups.
    public enum Mode: String, Sendable, CaseIterable {
        /// Reply with the Sybils closest to the target.
        case wrongContacts = "wrong"
        /// Drop the query.
        case drop
    }

    /// The behaviour.
    public let mode: Mode
    /// Every Sybil's contact.
    public let sybils: [Contact]
    /// Lookup queries misanswered or dropped.
    public private(set) var attacked = 0

    private let sorted: [Contact]

    /// A coalition of `sybils` behaving as `mode`.
    public init(mode: Mode, sybils: [Contact]) {
        self.mode = mode
        self.sybils = sybils
        sorted = sybils.sorted { $0.nodeID < $1.nodeID }
    }

    /// The Sybils nearest `target`: IDs sharing a long prefix with it sit next to it in ID
    /// order, so a window around its position, re-sorted by XOR distance, holds them.
    func closestSybils(to target: NodeID, count: Int) -> [Contact] {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid].nodeID < target { lo = mid + 1 } else { hi = mid }
        }
        let window = sorted[max(0, lo - 2 * count)..<min(sorted.count, lo + 2 * count)]
        return Array(window.sorted { $0.nodeID.distance(to: target) < $1.nodeID.distance(to: target) }.prefix(count))
    }

    public func handleMessage(_ message: DHTMessage, from source: SimNodeID, core: inout DHTSimNode,
                              context: inout SimContext<DHTMessage>) {
        let target: NodeID
        switch message.body {
        case .findNode(let t): target = t
        case .findValue(let k): target = k
        default:
            core.handleMessage(message, from: source, context: &context)
            return
        }
        attacked += 1
        guard mode == .wrongContacts else { return }
        let count = min(core.core.k, DHTLimits.maxContactsPerResponse)
        let reply = DHTMessage(requestID: message.requestID, sender: core.core.contact,
                               body: .nodes(closestSybils(to: target, count: count)))
        context.send(reply, to: source)
    }
}
