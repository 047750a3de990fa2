/// The keys and values (after RoPE) of the tokens a model has already seen, per layer:
/// what lets decoding run only the new tokens through the layers
/// (`LlamaModel.logits(tokens:cache:execution:)`). One sequence; a reference type
/// because every forward call with it appends.
public final class KVCache {
    /// Tokens cached so far: the position the next token takes.
    public private(set) var count = 0
    /// Per layer [count, Hkv, hd].
    var keys: [[Float]]
    var values: [[Float]]
    let kvDim: Int

    public init(config: ModelConfig) {
        kvDim = config.kvDim
        keys = Array(repeating: [], count: config.nLayers)
        values = keys
    }

    /// Appends the rows of layer `layer`; k, v: [rows, Hkv, hd].
    func append(layer: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>, rows: Int) {
        keys[layer].append(contentsOf: UnsafeBufferPointer(start: k, count: rows * kvDim))
        values[layer].append(contentsOf: UnsafeBufferPointer(start: v, count: rows * kvDim))
    }

    /// Every layer now holds `rows` more tokens. The forward appends only after the tokens
    /// passed its checks, and the full pattern it decodes with cannot fail on a valid
    /// shape, so no call leaves a layer half appended.
    func commit(rows: Int) {
        count += rows
        precondition(keys.allSatisfy { $0.count == count * kvDim }, "KV cache: layers disagree on the cached length")
    }
}
