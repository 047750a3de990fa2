/// `stride-sparse`: the strided factorisation of the Sparse Transformer, across heads.
///
/// The paper says only "local and strided positions"; our definition splits the heads:
/// - heads [0, H/2): local, a causal sliding window of G/2 keys (i - G/2 < j <= i);
/// - heads [H/2, H): strided, keys j <= i with (i - j) a multiple of s = n/G.
/// Both cost about n*G/2 pairs, the same as an S2 head (window: n*G/2 - G^2/8 + G/4;
/// strided: sum over i of floor(i/s) + 1). The strided heads keep the diagonal but see no
/// neighbour closer than s, which is why the paper found this pattern the weakest.
/// On the tiled kernel the strided heads touch every causal tile, so they run at about
/// the speed of full attention even though they score fewer pairs.
public struct StrideSparseAttention: AttentionPattern {
    public let name = "stride-sparse"
    /// G in tokens, even, dividing n (the registry checks it).
    public let group: Int

    public init(group: Int) { self.group = group }

    public func mask(head: Int, geometry: AttentionGeometry) -> any AttentionMask {
        let g = group
        if geometry.isUpperHalf(head: head) {
            return DilatedMask(segment: geometry.n, rate: geometry.n / g)
        }
        return WindowMask(width: g / 2)
    }
}
