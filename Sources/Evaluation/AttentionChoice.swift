import Model

/// The attention a model uses while it is evaluated: full causal attention by default
/// (the paper evaluates with full attention), or a training pattern by name for the
/// paper's "tested with the training pattern" rows.
public struct AttentionChoice: Hashable, Sendable, CustomStringConvertible {
    /// A registered pattern: `.full`, `.s2`, ...
    public var pattern: AttentionKind
    /// Group size, resolved against each window length (the paper's default G = n/4).
    public var groupSize: GroupSize

    public init(pattern: AttentionKind, groupSize: GroupSize = .ratio(0.25)) {
        self.pattern = pattern
        self.groupSize = groupSize
    }

    public static let full = AttentionChoice(pattern: .full)

    public var isFull: Bool { !pattern.isGrouped }

    /// "full", or "<pattern>:<ratio>" / "<pattern>:<tokens>t" so rows that differ only in G stay apart.
    public var description: String {
        if isFull { return pattern.rawValue }
        switch groupSize {
        case .ratio(let r): return "\(pattern):\(formatDecimal(r))"
        case .tokens(let t): return "\(pattern):\(t)t"
        }
    }
}

/// Shortest decimal that reads back as the value (0.25, not 0.250000; 4, not 4.0).
func formatDecimal(_ value: Double) -> String {
    var text = "\(value)"
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
}
