import Support

/// A sparse attention pattern: which keys each query of each head may score.
///
/// A pattern is a description only; `Attention.forward/backward` run every pattern on
/// the same tiled kernel through the per-head `mask`.
public protocol AttentionPattern: Sendable {
    /// Registry key, e.g. "s2".
    var name: String { get }
    /// Throws a `UserError` when the pattern cannot run on this shape (n not a multiple
    /// of G, G odd where the pattern shifts by G/2, ...). The kernel traps on a shape
    /// that fails here, so callers validate once per configuration.
    func validate(geometry: AttentionGeometry) throws
    /// The visibility rule of head `head` (layer from `geometry.layer`).
    func mask(head: Int, geometry: AttentionGeometry) -> any AttentionMask
    /// Exact number of (query, key) pairs head `head` scores (for FLOP accounting).
    func scoredPairs(head: Int, geometry: AttentionGeometry) -> Int
}

extension AttentionPattern {
    /// Default: sums the mask's per-query counts, O(n) per head.
    /// Precondition: `validate(geometry:)` passes.
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

/// A pattern built on groups of G tokens: every pattern but `full`. Declares its group
/// size and what G must be divisible by once; validation and the kernel's group lookup
/// both derive from that, so they cannot disagree.
public protocol GroupedAttentionPattern: AttentionPattern {
    var groupSize: GroupSize { get }
    /// G must be a multiple of this (2 for a G/2 shift, 4 for G/4 blocks, 1 otherwise).
    var groupMultiple: Int { get }
}

extension GroupedAttentionPattern {
    public func validate(geometry: AttentionGeometry) throws {
        try PatternCheck.geometry(geometry)
        _ = try PatternCheck.group(groupSize, n: geometry.n, multipleOf: groupMultiple, pattern: name)
    }

    /// G for this geometry, which `validate(geometry:)` has already accepted.
    func group(_ geometry: AttentionGeometry) -> Int {
        PatternCheck.groupUnchecked(groupSize, n: geometry.n, multipleOf: groupMultiple, pattern: name)
    }
}

/// Checks shared by the patterns.
enum PatternCheck {
    /// G resolved for n, and G divisible by `multiple` (2 for a G/2 shift).
    static func group(_ size: GroupSize, n: Int, multipleOf multiple: Int, pattern: String) throws -> Int {
        let g = try size.resolve(sequenceLength: n)
        guard g % multiple == 0 else {
            throw UserError("attention pattern '\(pattern)' needs a group size divisible by \(multiple); got \(g) (\(size)) at length \(n)")
        }
        return g
    }

    /// Resolves G where the shape is already known to be valid (inside the kernel).
    static func groupUnchecked(_ size: GroupSize, n: Int, multipleOf multiple: Int, pattern: String) -> Int {
        do {
            return try group(size, n: n, multipleOf: multiple, pattern: pattern)
        } catch {
            preconditionFailure("\(error) (call validate(geometry:) before running the pattern)")
        }
    }

    static func geometry(_ g: AttentionGeometry) throws {
        guard g.n > 0, g.nHeads > 0, g.nKVHeads > 0, g.headDim > 0, g.nHeads % g.nKVHeads == 0 else {
            throw UserError("attention shape invalid: n \(g.n), heads \(g.nHeads), kv heads \(g.nKVHeads), head dim \(g.headDim)")
        }
    }
}
