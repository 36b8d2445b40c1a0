/// Approximate heap footprint of standard-library collections, for the memory accounting
/// `DHTNode.memoryUsage` reports (the simulator runs 10⁵ nodes in one process, so where each
/// node's bytes go matters). Counts allocated capacity, not the elements in use.
enum HeapSize {
    /// Object header of a heap buffer (isa pointer, refcount, count and capacity).
    static let bufferHeader = 32

    /// An array's buffer: header plus capacity × stride (0 for the shared empty buffer).
    static func array<T>(_ a: [T]) -> Int {
        a.capacity == 0 ? 0 : bufferHeader + a.capacity * MemoryLayout<T>.stride
    }

    /// A native dictionary: a power-of-two bucket count with ≤ 3/4 load, one occupancy bit,
    /// one key and one value per bucket.
    static func dictionary<K, V>(_ d: [K: V]) -> Int {
        hashTable(capacity: d.capacity, elementBytes: MemoryLayout<K>.stride + MemoryLayout<V>.stride)
    }

    /// A native set, laid out like a dictionary without values.
    static func set<T>(_ s: Set<T>) -> Int {
        hashTable(capacity: s.capacity, elementBytes: MemoryLayout<T>.stride)
    }

    private static func hashTable(capacity: Int, elementBytes: Int) -> Int {
        guard capacity > 0 else { return 0 }
        var buckets = 1
        while buckets * 3 / 4 < capacity { buckets *= 2 }
        return 2 * bufferHeader + buckets * elementBytes + (buckets + 7) / 8
    }
}
