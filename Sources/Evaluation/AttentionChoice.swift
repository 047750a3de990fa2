/// The attention a model uses while it is evaluated: full causal attention by default
/// (the paper evaluates with full attention), or a training pattern by name for the
/// paper's "tested with the training pattern" rows.
public struct AttentionChoice: Hashable, Sendable, CustomStringConvertible {
    /// A registered pattern name: "full", "s2", ...
    public var pattern: String
    /// Group size as a fraction of the window length (the paper's default G = n/4).
    public var groupRatio: Double

    public init(pattern: String, groupRatio: Double = 0.25) {
        self.pattern = pattern
        self.groupRatio = groupRatio
    }

    public static let full = AttentionChoice(pattern: "full")

    public var isFull: Bool { pattern == "full" }

    /// Group size G for a window of `length` tokens.
    public func groupSize(forLength length: Int) -> Int {
        max(1, Int((Double(length) * groupRatio).rounded()))
    }

    /// "full", or "<pattern>:<ratio>" so rows that differ only in G stay apart.
    public var description: String {
        isFull ? pattern : "\(pattern):\(formatDecimal(groupRatio))"
    }
}

/// Shortest decimal that reads back as the value (0.25, not 0.250000; 4, not 4.0).
func formatDecimal(_ value: Double) -> String {
    var text = "\(value)"
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
}
