/// The attention patterns a spec can name, with the shape constraints each one puts on
/// the context, the group size and the heads (checked before any work starts).
///
/// The patterns themselves live in the model; this table only knows what a spec may say.
public struct AttentionPatternName: Sendable {
    public var name: String
    /// Attends within groups of G tokens, so the context must be a multiple of G.
    public var usesGroups: Bool
    /// Shifts groups by G/2, so G must be even.
    public var shifts: Bool
    /// Gives half of the heads a different pattern, so the head count must be even.
    public var splitsHeads: Bool

    public static let all: [AttentionPatternName] = [
        .init(name: "full", usesGroups: false, shifts: false, splitsHeads: false),
        .init(name: "short", usesGroups: true, shifts: false, splitsHeads: false),
        .init(name: "s2", usesGroups: true, shifts: true, splitsHeads: true),
        .init(name: "s2-roll", usesGroups: true, shifts: true, splitsHeads: true),
        .init(name: "s2-layers", usesGroups: true, shifts: true, splitsHeads: false),
        .init(name: "pattern1", usesGroups: true, shifts: false, splitsHeads: false),
        .init(name: "pattern2", usesGroups: true, shifts: true, splitsHeads: false),
        .init(name: "dilated", usesGroups: true, shifts: false, splitsHeads: true),
        .init(name: "block-sparse", usesGroups: true, shifts: false, splitsHeads: false),
        .init(name: "stride-sparse", usesGroups: true, shifts: false, splitsHeads: false),
    ]

    public static var names: [String] { all.map(\.name) }

    public static func named(_ name: String) -> AttentionPatternName? {
        all.first { $0.name == name }
    }
}
