/// A sparse attention pattern: which keys each query of each head may score.
///
/// A pattern is a description only; `Attention.forward/backward` run every pattern on
/// the same tiled kernel through the per-head `mask`. Grouped patterns are made by the
/// registry (`AttentionKind.pattern(groupSize:length:)`) with G already resolved and
/// checked for one sequence length, so nothing here validates again per call.
public protocol AttentionPattern: Sendable {
    /// Registry key, e.g. "s2".
    var name: String { get }
    /// The visibility rule of head `head` (layer from `geometry.layer`).
    func mask(head: Int, geometry: AttentionGeometry) -> any AttentionMask
    /// Exact number of (query, key) pairs head `head` scores (for FLOP accounting).
    func scoredPairs(head: Int, geometry: AttentionGeometry) -> Int
}

extension AttentionPattern {
    /// Default: sums the mask's per-query counts, O(n) per head.
    public func scoredPairs(head: Int, geometry: AttentionGeometry) -> Int {
        let m = mask(head: head, geometry: geometry)
        var total = 0
        for i in 0..<geometry.n { total += m.visibleKeyCount(query: i) }
        return total
    }

    /// Sum of `scoredPairs` over all heads of the geometry's layer.
    public func scoredPairs(geometry: AttentionGeometry) -> Int {
        (0..<geometry.nHeads).reduce(0) { $0 + scoredPairs(head: $1, geometry: geometry) }
    }
}
