/// One key of the spec schema: its dotted path, type, default and meaning.
///
/// The parser, the `--set` overrides, the sweep axes and the reference page all read
/// the same table (`SpecSchema.keys`), so the documentation cannot drift from the code.
public struct KeyDescriptor: Sendable {
    /// What a key is for, which decides whether it enters a run's content hash.
    public enum Role: Sendable {
        /// Names the experiment; not part of any run.
        case identity
        /// Changes what a run computes: part of the resolved config and its hash; sweepable.
        case run
        /// Describes or reports the experiment (paper numbers, tolerances, figures); not hashed.
        case report
    }

    public var path: String
    public var kind: ValueKind
    /// nil: the key is required.
    public var defaultValue: SpecValue?
    public var doc: String
    public var role: Role

    public init(_ path: String, _ kind: ValueKind, _ defaultValue: SpecValue?, role: Role = .run, _ doc: String) {
        self.path = path
        self.kind = kind
        self.defaultValue = defaultValue
        self.doc = doc
        self.role = role
    }
}

/// A mapping of the spec that groups keys (`finetune`, `finetune.lora`).
public struct SectionDescriptor: Sendable {
    public var path: String
    public var doc: String
    public init(_ path: String, _ doc: String) {
        self.path = path
        self.doc = doc
    }
}

extension SpecValue {
    static func strings(_ items: [String]) -> SpecValue { .list(items.map { .string($0) }) }
    static func ints(_ items: [Int]) -> SpecValue { .list(items.map { .int($0) }) }
}
