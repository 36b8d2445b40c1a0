/// Disjoint, ascending, non-empty half-open ranges of stream offsets: the acknowledged and the
/// lost-to-retransmit parts of a send buffer. The array keeps its capacity, so steady-state
/// updates do not allocate; its size is bounded by the frames in flight.
struct ByteRangeSet: Sendable {
    private(set) var ranges: [Range<UInt64>] = []

    var isEmpty: Bool { ranges.isEmpty }
    var first: Range<UInt64>? { ranges.first }

    /// Adds `range`, merging with touching or overlapping ranges.
    mutating func insert(_ range: Range<UInt64>) {
        guard !range.isEmpty else { return }
        var first = 0
        while first < ranges.count && ranges[first].upperBound < range.lowerBound { first += 1 }
        var last = first
        var merged = range
        while last < ranges.count && ranges[last].lowerBound <= merged.upperBound {
            merged = Swift.min(merged.lowerBound, ranges[last].lowerBound)..<Swift.max(merged.upperBound, ranges[last].upperBound)
            last += 1
        }
        ranges.replaceSubrange(first..<last, with: CollectionOfOne(merged))
    }

    /// Removes every offset in `range`, splitting a range that straddles it.
    mutating func remove(_ range: Range<UInt64>) {
        guard !range.isEmpty else { return }
        var index = 0
        while index < ranges.count {
            let current = ranges[index]
            if current.upperBound <= range.lowerBound { index += 1; continue }
            if current.lowerBound >= range.upperBound { break }
            let left = current.lowerBound..<Swift.max(current.lowerBound, range.lowerBound)
            let right = Swift.min(current.upperBound, range.upperBound)..<current.upperBound
            switch (left.isEmpty, right.isEmpty) {
            case (true, true): ranges.remove(at: index)
            case (false, true): ranges[index] = left; index += 1
            case (true, false): ranges[index] = right; index += 1
            case (false, false):
                ranges[index] = left
                ranges.insert(right, at: index + 1)
                index += 2
            }
        }
    }

    /// Removes everything below `offset`.
    mutating func removeAll(below offset: UInt64) {
        guard let first = ranges.first, first.lowerBound < offset else { return }
        remove(first.lowerBound..<offset)
    }

    /// Removes and returns up to `maxLength` offsets from the start of the lowest range.
    mutating func popFirst(maxLength: Int) -> Range<UInt64>? {
        guard let first = ranges.first, maxLength > 0 else { return nil }
        let end = Swift.min(first.upperBound, first.lowerBound + UInt64(maxLength))
        if end == first.upperBound { ranges.removeFirst() } else { ranges[0] = end..<first.upperBound }
        return first.lowerBound..<end
    }

    /// Empties the set, keeping its storage.
    mutating func removeAll() { ranges.removeAll(keepingCapacity: true) }
}
