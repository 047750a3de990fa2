/// Shape of one attention call: one sequence, one layer.
public struct AttentionGeometry: Hashable, Sendable {
    /// Sequence length.
    public var n: Int
    /// Query heads H.
    public var nHeads: Int
    /// Key/value heads Hkv (grouped-query when < H); query head h reads kv head h / (H / Hkv).
    public var nKVHeads: Int
    public var headDim: Int
    /// Which layer this call is for (patterns that alternate across layers read it).
    public var layer: Int
    public var nLayers: Int
    /// Position of the first query: queries are positions queryStart..<n, keys 0..<n. 0 except
    /// in a decoding step with a KV cache, whose new tokens attend to the cached ones
    /// (forward only: q, out and lse then hold n - queryStart rows).
    public var queryStart: Int

    public init(n: Int, nHeads: Int, nKVHeads: Int? = nil, headDim: Int, layer: Int = 0, nLayers: Int = 1,
                queryStart: Int = 0) {
        self.n = n
        self.queryStart = queryStart
        self.nHeads = nHeads
        self.nKVHeads = nKVHeads ?? nHeads
        self.headDim = headDim
        self.layer = layer
        self.nLayers = nLayers
    }

    /// Query heads per key/value head.
    public var headsPerKV: Int { nHeads / nKVHeads }
    /// Whether head `head` is in the second, "shifted" half [H/2, H).
    public func isUpperHalf(head: Int) -> Bool { head >= nHeads / 2 }
}
