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

    public init(n: Int, nHeads: Int, nKVHeads: Int? = nil, headDim: Int, layer: Int = 0, nLayers: Int = 1) {
        self.n = n
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
