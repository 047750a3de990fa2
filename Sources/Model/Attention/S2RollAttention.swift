/// `s2-roll`: S2-Attn as in the paper's pseudocode and the official non-flash code.
///
/// Heads [H/2, H) have q, k, v rolled by -G/2 along the sequence, attend causally in
/// plain groups of G, and their output is rolled back. In original index space, query i
/// and key j of a shifted head share a group iff floor(r(i)/G) == floor(r(j)/G) with
/// r(p) = (p - G/2) mod n, and j is visible iff also r(j) <= r(i). The last rolled group
/// holds the last G/2 tokens followed by the first G/2, so the first G/2 queries see the
/// last G/2 tokens: the future-token leak the authors acknowledged, reproduced on purpose.
/// With a single group (G = n) nothing is rolled (see `ShiftedSparseAttention`).
public struct S2RollAttention: AttentionPattern {
    public let name = "s2-roll"
    /// G in tokens, even (the registry checks it).
    public let group: Int

    public init(group: Int) { self.group = group }

    public func mask(head: Int, geometry: AttentionGeometry) -> any AttentionMask {
        let g = group
        if geometry.isUpperHalf(head: head) && g < geometry.n {
            return RolledMask(groups: SegmentedCausalMask(size: g), shift: g / 2, n: geometry.n)
        }
        return SegmentedCausalMask(size: g)
    }
}

/// A mask applied in rolled index space r(p) = (p - shift) mod n.
public struct RolledMask: AttentionMask {
    public var groups: SegmentedCausalMask
    public var shift: Int
    public var n: Int

    @inline(__always) func rolled(_ p: Int) -> Int { p >= shift ? p - shift : p - shift + n }

    public func isVisible(query i: Int, key j: Int) -> Bool {
        groups.isVisible(query: rolled(i), key: rolled(j))
    }

    /// A range of original indices is contiguous in rolled space except across `shift`
    /// (where r jumps from n-1 to 0): split there, classify the pieces, combine.
    public func tile(queries: Range<Int>, keys: Range<Int>) -> TileVisibility {
        var sawNone = false, sawAll = false
        for q in pieces(queries) {
            for k in pieces(keys) {
                switch groups.tile(queries: q, keys: k) {
                case .none: sawNone = true
                case .all: sawAll = true
                case .partial: return .partial
                }
            }
        }
        return sawNone ? (sawAll ? .partial : .none) : .all
    }

    private func pieces(_ r: Range<Int>) -> [Range<Int>] {
        let lo = r.lowerBound, hi = r.upperBound
        if hi <= shift { return [(lo + n - shift)..<(hi + n - shift)] }
        if lo >= shift { return [(lo - shift)..<(hi - shift)] }
        return [(lo + n - shift)..<n, 0..<(hi - shift)]
    }

    public func visibleKeyCount(query i: Int) -> Int { groups.visibleKeyCount(query: rolled(i)) }
}
