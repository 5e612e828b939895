/// LIBSVM's kernel-row cache: rows of Q (float32) kept up to a byte cap, the least recently used evicted
/// first. A row may be cached only partly (its first `length` columns: the active set when it was asked
/// for) and is extended on demand. Rows are stored by the solver's current index, so `swapAt` follows
/// shrinking's swaps.
final class KernelRowCache {
    private struct Entry {
        var data: UnsafeMutablePointer<Float>?
        var length = 0
    }

    private var entries: [Entry]
    /// LRU list as a circular doubly linked list over row indices; index `rows` is the sentinel.
    private var previous: [Int]
    private var next: [Int]
    private let rows: Int
    /// Floats still free under the cap.
    private var freeFloats: Int
    /// Rows evicted so far (tests check that a small cap really evicts).
    private(set) var evictions = 0

    /// `bytes` is raised to two full rows when smaller: the solver holds two rows at once.
    init(rows: Int, bytes: Int) {
        self.rows = rows
        entries = Array(repeating: Entry(), count: rows)
        previous = Array(repeating: rows, count: rows + 1)
        next = Array(repeating: rows, count: rows + 1)
        freeFloats = max(bytes / MemoryLayout<Float>.stride, 2 * rows)
    }

    deinit {
        for entry in entries { entry.data?.deallocate() }
    }

    /// Row i with room for `length` columns, and how many of them are already filled (the caller computes
    /// the rest). The pointer stays valid until the next call for a third row.
    func row(_ i: Int, length: Int) -> (data: UnsafeMutablePointer<Float>, filled: Int) {
        if entries[i].data != nil { unlink(i) }
        let filled = entries[i].length
        if filled < length {
            var needed = length - filled
            while freeFloats < needed, next[rows] != rows {
                evict(next[rows])
            }
            needed = length - entries[i].length
            freeFloats -= needed
            let grown = UnsafeMutablePointer<Float>.allocate(capacity: length)
            if let old = entries[i].data {
                grown.update(from: old, count: entries[i].length)
                old.deallocate()
            }
            entries[i].data = grown
            entries[i].length = length
        }
        link(i)
        return (entries[i].data!, min(filled, length))
    }

    /// Follows the solver's exchange of examples i and j: their rows trade places, and in every other row
    /// columns i and j trade places; a row that holds column i but not column j is dropped (LIBSVM does the
    /// same: it cannot know the missing value).
    func swapAt(_ a: Int, _ b: Int) {
        guard a != b else { return }
        let i = min(a, b), j = max(a, b)
        let iCached = entries[i].data != nil, jCached = entries[j].data != nil
        if iCached { unlink(i) }
        if jCached { unlink(j) }
        entries.swapAt(i, j)
        if entries[i].data != nil { link(i) }
        if entries[j].data != nil { link(j) }
        // A scan of the entries in memory order: faster than walking the list, same rows.
        for h in 0..<rows where entries[h].length > i {
            if entries[h].length > j {
                swap(&entries[h].data![i], &entries[h].data![j])
            } else {
                evict(h)
            }
        }
    }

    private func evict(_ h: Int) {
        unlink(h)
        entries[h].data?.deallocate()
        freeFloats += entries[h].length
        entries[h] = Entry()
        evictions += 1
    }

    private func unlink(_ h: Int) {
        next[previous[h]] = next[h]
        previous[next[h]] = previous[h]
    }

    /// Inserts h as the most recently used row.
    private func link(_ h: Int) {
        next[h] = rows
        previous[h] = previous[rows]
        next[previous[rows]] = h
        previous[rows] = h
    }
}
