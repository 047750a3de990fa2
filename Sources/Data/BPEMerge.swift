/// The merge loop of a BPE model with ranked merges, as Hugging Face `tokenizers` runs it:
/// repeatedly merge the adjacent pair with the lowest rank, the leftmost one on ties, until no
/// pair has a merge. A binary heap over (rank, position) and a linked list of symbols keep it
/// O(n log n), so a whole document (SentencePiece-style BPE has no pre-tokenizer) is fine.
public struct BPEMerge: Sendable {
    public struct Rule: Sendable {
        public var rank: UInt32
        public var merged: Int32
    }

    /// Pair key (left << 32 | right) -> rule.
    let rules: [UInt64: Rule]

    public init(rules: [UInt64: Rule]) { self.rules = rules }

    @inline(__always) public static func key(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }

    public func apply(_ ids: [Int32]) -> [Int32] {
        let n = ids.count
        guard n > 1 else { return ids }
        var ids = ids
        var next = Array(1...n), prev = Array(-1..<(n - 1)), alive = [Bool](repeating: true, count: n)
        var heap = MinHeap()
        func push(_ i: Int) {
            if let r = rules[Self.key(ids[i], ids[next[i]])] { heap.push(UInt64(r.rank) << 32 | UInt64(i)) }
        }
        for i in 0..<(n - 1) { push(i) }
        while let top = heap.pop() {
            let i = Int(top & 0xFFFF_FFFF), rank = UInt32(top >> 32)
            guard alive[i], next[i] < n, let r = rules[Self.key(ids[i], ids[next[i]])], r.rank == rank else { continue }
            let j = next[i]
            ids[i] = r.merged
            alive[j] = false
            next[i] = next[j]
            if next[j] < n { prev[next[j]] = i }
            if prev[i] >= 0 { push(prev[i]) }
            if next[i] < n { push(i) }
        }
        var out: [Int32] = []
        var i = 0
        while i < n { out.append(ids[i]); i = next[i] }
        return out
    }
}

/// A binary min-heap of UInt64 keys.
struct MinHeap {
    var items: [UInt64] = []

    mutating func push(_ x: UInt64) {
        items.append(x)
        var c = items.count - 1
        while c > 0 {
            let p = (c - 1) / 2
            guard items[c] < items[p] else { break }
            items.swapAt(c, p)
            c = p
        }
    }

    mutating func pop() -> UInt64? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var p = 0
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < items.count, items[l] < items[m] { m = l }
                if r < items.count, items[r] < items[m] { m = r }
                if m == p { break }
                items.swapAt(p, m)
                p = m
            }
        }
        return top
    }
}
