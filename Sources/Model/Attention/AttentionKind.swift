import Support

/// An attention pattern named by a spec or an option, resolved against the registry once:
/// a value of this type always names a registered pattern.
public struct AttentionKind: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    public let rawValue: String

    public init?(rawValue: String) {
        guard AttentionRegistry.entries.contains(where: { $0.name == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    /// The pattern called `name`, or a `UserError` listing the registered names.
    public init(_ name: String) throws {
        guard let kind = AttentionKind(rawValue: name) else {
            throw UserError("unknown attention pattern '\(name)'; expected one of: \(Self.names.joined(separator: ", "))")
        }
        self = kind
    }

    /// Every registered pattern, in the registry's (the paper's) order.
    public static var allCases: [AttentionKind] { AttentionRegistry.entries.map { AttentionKind(rawValue: $0.name)! } }
    public static var names: [String] { AttentionRegistry.entries.map(\.name) }

    public static let full = AttentionKind(rawValue: "full")!
    public static let s2 = AttentionKind(rawValue: "s2")!

    public var entry: AttentionPatternEntry { AttentionRegistry.entries.first { $0.name == rawValue }! }
    public var cost: AttentionCost { entry.cost }
    /// Whether the pattern works on groups of G (every pattern but `full`).
    public var isGrouped: Bool { entry.groupMultiple != nil }
    public var description: String { rawValue }

    /// G in tokens for sequences of n tokens: the one rule of the harness (`GroupSize.resolve`:
    /// a whole number of tokens in 2...n dividing n) plus this pattern's multiple.
    /// nil for a pattern without groups.
    public func group(_ size: GroupSize, length n: Int) throws -> Int? {
        guard let multiple = entry.groupMultiple else { return nil }
        let g = try size.resolve(sequenceLength: n)
        guard g % multiple == 0 else {
            throw UserError("attention pattern '\(rawValue)' needs a group size divisible by \(multiple); got \(g) (\(size)) at length \(n)")
        }
        return g
    }

    /// The pattern for sequences of exactly n tokens, with G resolved and checked once here.
    public func pattern(groupSize: GroupSize, length n: Int) throws -> any AttentionPattern {
        guard n > 0 else { throw UserError("sequence length \(n) must be positive") }
        return entry.make(try group(groupSize, length: n) ?? n)
    }
}
