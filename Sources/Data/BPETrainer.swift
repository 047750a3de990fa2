import Foundation
import Support

/// Learns byte-level BPE merges from a corpus's train split.
///
/// Counts distinct words (`PreTokenizer`), then repeatedly merges the most frequent
/// adjacent pair, weighted by word counts. Ties go to the smallest (left, right) id pair,
/// so the same text always gives the same merges, whatever the hash-table order.
/// Pair counts are updated incrementally: only words containing the merged pair are touched.
/// Stops early when no pair occurs at least twice.
public struct BPETrainer {
    public var vocabSize: Int

    public init(vocabSize: Int) throws {
        guard BPETokenizer.vocabRange.contains(vocabSize) else {
            throw UserError("BPE vocabulary size \(vocabSize) is out of range; expected \(BPETokenizer.vocabRange.lowerBound) to \(BPETokenizer.vocabRange.upperBound)")
        }
        self.vocabSize = vocabSize
    }

    public func train(on documents: [Document], progress: ProgressSink = Progress.silent) throws -> BPETokenizer {
        var counts: [[UInt8]: Int] = [:]
        for doc in documents {
            doc.text.withUnsafeBufferPointer { text in
                PreTokenizer.forEachWord(in: text) { range in
                    if range.count > 1 { counts[Array(text[range]), default: 0] += 1 }
                }
            }
        }
        // Sorted words: a fixed numbering, so the whole run is reproducible.
        let sorted = counts.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var words = sorted.map { $0.key.map { Int32($0) } }
        let weights = sorted.map(\.value)

        var pairCount: [UInt64: Int] = [:]
        var pairWords: [UInt64: [Int32]] = [:]
        for (w, word) in words.enumerated() {
            for i in 0..<(word.count - 1) {
                let k = BPETokenizer.key(word[i], word[i + 1])
                pairCount[k, default: 0] += weights[w]
                pairWords[k, default: []].append(Int32(w))
            }
        }
        var heap = PairHeap()
        for (k, c) in pairCount { heap.push(count: c, key: k) }

        let wanted = vocabSize - ByteTokenizer.vocabSize
        var merges: [(Int32, Int32)] = []
        var lastVisit = [Int](repeating: -1, count: words.count)
        progress(.begin(task: "train BPE", total: wanted, unit: "merges"))
        while merges.count < wanted, let top = heap.pop() {
            guard pairCount[top.key] == top.count else { continue }  // stale entry
            if top.count < 2 { break }
            let a = Int32(truncatingIfNeeded: top.key >> 32), b = Int32(truncatingIfNeeded: top.key)
            let new = BPETokenizer.firstMergeID + Int32(merges.count)
            merges.append((a, b))
            var delta: [UInt64: Int] = [:]
            for w32 in pairWords.removeValue(forKey: top.key) ?? [] {
                let w = Int(w32)
                if lastVisit[w] == merges.count { continue }
                lastVisit[w] = merges.count
                let old = words[w]
                var merged: [Int32] = []
                merged.reserveCapacity(old.count)
                var i = 0
                while i < old.count {
                    if i + 1 < old.count, old[i] == a, old[i + 1] == b { merged.append(new); i += 2 } else { merged.append(old[i]); i += 1 }
                }
                if merged.count == old.count { continue }
                let weight = weights[w]
                for i in 0..<(old.count - 1) { delta[BPETokenizer.key(old[i], old[i + 1]), default: 0] -= weight }
                for i in 0..<max(0, merged.count - 1) {
                    let k = BPETokenizer.key(merged[i], merged[i + 1])
                    delta[k, default: 0] += weight
                    if merged[i] == new || merged[i + 1] == new { pairWords[k, default: []].append(w32) }
                }
                words[w] = merged
            }
            for (k, d) in delta where d != 0 {
                let c = (pairCount[k] ?? 0) + d
                if c > 0 { pairCount[k] = c; heap.push(count: c, key: k) } else { pairCount[k] = nil }
            }
            pairCount[top.key] = nil
            if merges.count % 256 == 0 {
                progress(.advance(task: "train BPE", completed: merges.count, total: wanted, metrics: [], unit: "merges"))
            }
        }
        return try BPETokenizer(merges: merges, vocabSize: vocabSize)
    }
}

/// Max-heap of (count, pair key): larger count first, then smaller key (the tie rule).
struct PairHeap {
    private var items: [(count: Int, key: UInt64)] = []

    @inline(__always) private func above(_ x: (count: Int, key: UInt64), _ y: (count: Int, key: UInt64)) -> Bool {
        x.count != y.count ? x.count > y.count : x.key < y.key
    }

    mutating func push(count: Int, key: UInt64) {
        items.append((count, key))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard above(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (count: Int, key: UInt64)? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < items.count, above(items[l], items[best]) { best = l }
                if r < items.count, above(items[r], items[best]) { best = r }
                if best == i { break }
                items.swapAt(i, best)
                i = best
            }
        }
        return top
    }
}
