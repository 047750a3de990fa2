/// `full`: ordinary causal attention over the whole sequence, what inference and
/// evaluation use.
public struct FullAttention: AttentionPattern {
    public let name = "full"

    public init() {}

    public func mask(head: Int, geometry: AttentionGeometry) -> any AttentionMask {
        SegmentedCausalMask(size: max(geometry.n, 1))
    }

    public func scoredPairs(head: Int, geometry: AttentionGeometry) -> Int {
        geometry.n * (geometry.n + 1) / 2
    }
}
