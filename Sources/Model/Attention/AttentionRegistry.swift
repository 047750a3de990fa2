/// The registry: every attention pattern by name, with everything the harness needs of it.
/// A new pattern is one file (its `AttentionPattern`) plus one entry here; the spec schema,
/// `longlora eval --attention`, `longlora flops --attention`, the analytic FLOPs and the
/// README's pattern table (checked by a test) all read this list.
public enum AttentionRegistry {
    public static let entries: [AttentionPatternEntry] = [
        .init("full", groupMultiple: nil, cost: .allKeys,
              "causal attention over all previous tokens") { _ in FullAttention() },
        .init("short", groupMultiple: 1, cost: .oneGroup,
              "groups of G, causal inside each group, no shift") {
            ShiftedSparseAttention(name: "short", group: $0, shifted: .none) },
        .init("s2", groupMultiple: 2, cost: .oneGroup,
              "the default: heads [0, H/2) use groups [0,G), [G,2G), ...; heads [H/2, H) use groups with boundaries G/2, G/2+G, ... (sizes G/2, G, ..., G, G/2), so nothing wraps (the official flash-attention code)") {
            ShiftedSparseAttention(name: "s2", group: $0, shifted: .upperHalfOfHeads) },
        .init("s2-roll", groupMultiple: 2, cost: .oneGroup,
              "the paper's pseudocode: shifted heads rolled by -G/2, grouped, rolled back; its last group lets the first G/2 tokens see the last G/2 (the future-token leak the authors acknowledged), reproduced on purpose") {
            S2RollAttention(group: $0) },
        .init("s2-layers", groupMultiple: 2, cost: .oneGroup, "even layers unshifted, odd layers shifted") {
            ShiftedSparseAttention(name: "s2-layers", group: $0, shifted: .oddLayers) },
        .init("pattern1", groupMultiple: 1, cost: .oneGroup, "the paper's \"only pattern 1\": the same mask as `short`") {
            ShiftedSparseAttention(name: "pattern1", group: $0, shifted: .none) },
        .init("pattern2", groupMultiple: 2, cost: .oneGroup, "the paper's \"only pattern 2\": every head shifted") {
            ShiftedSparseAttention(name: "pattern2", group: $0, shifted: .allHeads) },
        .init("dilated", groupMultiple: 1, cost: .oneGroup,
              "half the heads as `short`; the other half see every second token inside segments of 2G") {
            DilatedAttention(group: $0) },
        .init("block-sparse", groupMultiple: 4, cost: .oneGroup,
              "blocks of G/4; a query sees its own block and blocks k-d, k-2d with d = 1 + (h mod 4)") {
            BlockSparseAttention(group: $0) },
        .init("stride-sparse", groupMultiple: 2, cost: .oneGroup,
              "half the heads a causal window of G/2; the other half keys at multiples of n/G back") {
            StrideSparseAttention(group: $0) },
    ]
}

/// One registered pattern.
public struct AttentionPatternEntry: Sendable {
    /// The name specs and options use, e.g. `s2`.
    public let name: String
    /// G must be a multiple of this (2 for a G/2 shift, 4 for blocks of G/4); nil for a
    /// pattern without groups, which ignores G.
    public let groupMultiple: Int?
    /// Keys per query in the analytic FLOPs (the paper's convention).
    public let cost: AttentionCost
    /// The pattern's row in the README's "Attention patterns" table.
    public let definition: String
    /// The pattern for a group size G already resolved and checked (ignored without groups).
    let make: @Sendable (_ group: Int) -> any AttentionPattern

    init(_ name: String, groupMultiple: Int?, cost: AttentionCost, _ definition: String,
         make: @escaping @Sendable (_ group: Int) -> any AttentionPattern) {
        self.name = name
        self.groupMultiple = groupMultiple
        self.cost = cost
        self.definition = definition
        self.make = make
    }
}

/// How many keys one query of one head scores, per the paper's convention. Full attention
/// scores every key (n per query); every other pattern the paper ablates is built to cost
/// one group of G keys per query, so S2 FLOPs are exactly full FLOPs x G/n. The real layouts
/// differ by a few keys at group edges (the exact count is `AttentionPattern.scoredPairs`);
/// the paper ignores that and so does the analytic model.
public enum AttentionCost: Sendable, Hashable {
    case allKeys
    case oneGroup

    /// Keys per query (whole-matrix counting) for context `n` and group size `g` (real
    /// numbers: the analytic models scale G with n).
    public func keysPerQuery(context n: Double, group g: Double) -> Double {
        switch self {
        case .allKeys: return n
        case .oneGroup: return g
        }
    }
}
