/// The seam between the transformer block and an attention kernel: causal attention of one
/// sequence after RoPE, with grouped-query heads. Production code plugs in the pattern
/// kernels (`PatternAttention`); tests may plug in a naive reference.
public protocol AttentionBackend {
    /// Name recorded in results (`full`, `s2`, ...).
    var name: String { get }

    /// q: [n, H, hd], k, v: [n, Hkv, hd] -> out: [n, H, hd], lse: [H, n].
    func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                 out: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>,
                 shape: AttentionGeometry, threads: Int) throws

    /// Overwrites dq: [n, H, hd], dk, dv: [n, Hkv, hd].
    func backward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                  out: UnsafePointer<Float>, lse: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
                  dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                  dv: UnsafeMutablePointer<Float>, shape: AttentionGeometry, threads: Int) throws

    /// Query-key pairs scored over all heads of one sequence (for the FLOPs model).
    func scoredPairs(shape: AttentionGeometry) throws -> Int
}
