/// How much of a (query tile) x (key tile) block a mask lets through.
public enum TileVisibility: Sendable, Equatable {
    /// No pair visible: the kernel skips the tile.
    case none
    /// Some pairs may be visible: the kernel applies `isVisible` element by element.
    case partial
    /// Every pair visible: the kernel skips the mask loop.
    case all
}

/// The visibility rule of one head in one layer, in original token index space
/// (RoPE is applied before any shift, so positions never move).
///
/// `tile` must be exact when it answers `.none` or `.all`; `.partial` is always a safe
/// answer (the kernel then masks element by element and copes with rows that see nothing
/// in that tile). Every query must see at least itself, so no softmax row is empty.
public protocol AttentionMask: Sendable {
    func isVisible(query i: Int, key j: Int) -> Bool
    func tile(queries: Range<Int>, keys: Range<Int>) -> TileVisibility
    /// Number of keys query i scores, in O(1): the FLOP count sums it.
    func visibleKeyCount(query i: Int) -> Int
    /// Sets invisible entries of a score tile to -inf. scores: [queries.count, keys.count],
    /// row stride `ld`. The default asks `isVisible` per entry; interval masks fill each row's
    /// two invisible runs, and masks whose tiles are mostly partial (strided, dilated)
    /// override it with their own loop.
    func maskScores(_ scores: UnsafeMutablePointer<Float>, ld: Int, queries: Range<Int>, keys: Range<Int>)
}

/// A mask whose visible keys for each query are one run of consecutive keys (causal
/// segments, windows). Its partial tiles are masked by filling the keys before and after
/// that run, row by row, rather than asking `isVisible` per entry (3.5% of an S2 step at
/// 4096 tokens).
public protocol IntervalMask: AttentionMask {
    /// The keys query i sees, in order; `isVisible(query: i, key: j)` is
    /// `visibleKeys(query: i).contains(j)`.
    func visibleKeys(query i: Int) -> Range<Int>
}

extension IntervalMask {
    public func maskScores(_ scores: UnsafeMutablePointer<Float>, ld: Int, queries: Range<Int>, keys: Range<Int>) {
        for (r, i) in queries.enumerated() {
            let row = scores + r * ld
            let visible = visibleKeys(query: i).clamped(to: keys)
            // An empty run clamps to an empty range at one end: the whole row is masked.
            let before = visible.isEmpty ? keys.count : visible.lowerBound - keys.lowerBound
            let after = visible.isEmpty ? 0 : keys.upperBound - visible.upperBound
            row.update(repeating: -.infinity, count: before)
            (row + keys.count - after).update(repeating: -.infinity, count: after)
        }
    }
}

// MARK: building blocks shared by the patterns

/// Causal attention inside segments [start_s, start_{s+1}) with boundaries at
/// s*size - offset: offset 0 gives groups [0,G), [G,2G), ...; offset G/2 gives the
/// S2 boundary variant's groups [0,G/2), [G/2,3G/2), ..., [n-G/2, n). Full causal
/// attention is one segment (size >= n).
public struct SegmentedCausalMask: IntervalMask {
    public var size: Int
    public var offset: Int

    public init(size: Int, offset: Int = 0) {
        precondition(size > 0 && offset >= 0 && offset < size, "segment size \(size), offset \(offset)")
        self.size = size
        self.offset = offset
    }

    @inline(__always) func segment(_ p: Int) -> Int { (p + offset) / size }
    @inline(__always) func segmentStart(_ p: Int) -> Int { max(0, segment(p) * size - offset) }

    public func isVisible(query i: Int, key j: Int) -> Bool {
        j <= i && segment(i) == segment(j)
    }

    public func tile(queries: Range<Int>, keys: Range<Int>) -> TileVisibility {
        let qLo = queries.lowerBound, qHi = queries.upperBound - 1
        let kLo = keys.lowerBound, kHi = keys.upperBound - 1
        // Every key after every query, or the keys' segments end before the queries' begin.
        if kLo > qHi || segment(kHi) < segment(qLo) { return .none }
        // A tile inside one segment whose keys all precede (or equal) its queries.
        if kHi <= qLo && segment(kLo) == segment(qHi) { return .all }
        return .partial
    }

    public func visibleKeyCount(query i: Int) -> Int { i - segmentStart(i) + 1 }

    public func visibleKeys(query i: Int) -> Range<Int> { segmentStart(i)..<(i + 1) }
}

/// Causal sliding window: query i sees keys (i - width, i].
public struct WindowMask: IntervalMask {
    public var width: Int

    public init(width: Int) {
        precondition(width >= 1)
        self.width = width
    }

    public func isVisible(query i: Int, key j: Int) -> Bool { j <= i && j > i - width }

    public func tile(queries: Range<Int>, keys: Range<Int>) -> TileVisibility {
        let qLo = queries.lowerBound, qHi = queries.upperBound - 1
        let kLo = keys.lowerBound, kHi = keys.upperBound - 1
        if kLo > qHi || kHi <= qLo - width { return .none }
        if kHi <= qLo && kLo > qHi - width { return .all }
        return .partial
    }

    public func visibleKeyCount(query i: Int) -> Int { min(i + 1, width) }

    public func visibleKeys(query i: Int) -> Range<Int> { max(0, i - width + 1)..<(i + 1) }
}

extension AttentionMask {
    public func maskScores(_ scores: UnsafeMutablePointer<Float>, ld: Int, queries: Range<Int>, keys: Range<Int>) {
        for (r, i) in queries.enumerated() {
            let row = scores + r * ld
            for (c, j) in keys.enumerated() where !isVisible(query: i, key: j) {
                row[c] = -.infinity
            }
        }
    }
}
