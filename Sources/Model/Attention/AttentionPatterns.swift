import Support

/// The registry: every attention pattern by name. A new pattern is one file plus one line here.
public enum AttentionPatterns {
    private static let makers: [(name: String, make: @Sendable (GroupSize) -> any AttentionPattern)] = [
        ("full", { _ in FullAttention() }),
        ("short", { ShiftedSparseAttention(name: "short", groupSize: $0, shifted: .none) }),
        ("s2", { ShiftedSparseAttention(name: "s2", groupSize: $0, shifted: .upperHalfOfHeads) }),
        ("s2-roll", { S2RollAttention(groupSize: $0) }),
        ("s2-layers", { ShiftedSparseAttention(name: "s2-layers", groupSize: $0, shifted: .oddLayers) }),
        ("pattern1", { ShiftedSparseAttention(name: "pattern1", groupSize: $0, shifted: .none) }),
        ("pattern2", { ShiftedSparseAttention(name: "pattern2", groupSize: $0, shifted: .allHeads) }),
        ("dilated", { DilatedAttention(groupSize: $0) }),
        ("block-sparse", { BlockSparseAttention(groupSize: $0) }),
        ("stride-sparse", { StrideSparseAttention(groupSize: $0) }),
    ]

    /// All registry keys, in the paper's order.
    public static let names: [String] = makers.map(\.name)

    public static func make(_ name: String, groupSize: GroupSize) throws -> any AttentionPattern {
        guard let maker = makers.first(where: { $0.name == name }) else {
            throw UserError("unknown attention pattern '\(name)'; expected one of: \(names.joined(separator: ", "))")
        }
        return maker.make(groupSize)
    }
}
