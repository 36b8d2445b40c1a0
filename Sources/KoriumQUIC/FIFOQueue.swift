/// A first-in first-out queue over one array with a moving head: appends amortise, pops are
/// O(1), and the storage is reused once drained, so a queue in steady use does not allocate.
struct FIFOQueue<Element>: Sendable where Element: Sendable {
    private var items: [Element] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }
    var first: Element? { head < items.count ? items[head] : nil }

    mutating func append(_ element: Element) {
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64 && head * 2 > items.count {
            // Reclaim the consumed prefix so a queue that never drains stays bounded by its live count.
            items.removeSubrange(0..<head)
            head = 0
        }
        items.append(element)
    }

    mutating func popFirst() -> Element? {
        guard head < items.count else { return nil }
        let element = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        return element
    }

    mutating func removeAll() {
        items.removeAll(keepingCapacity: true)
        head = 0
    }
}
