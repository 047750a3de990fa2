/// A parsed, type-checked experiment spec, before sweep expansion.
///
/// Values are kept flat by dotted path (`finetune.lora.rank`) with the place each came
/// from; precedence when a run is resolved: defaults < file < variant < grid/zip < `--set`.
public struct ExperimentSpec: Sendable {
    /// The spec's name for messages (the path as the user gave it).
    public var file: String
    /// The spec's text, stored verbatim in the result file.
    public var text: String
    /// Keys set at the top of the file (not inside `variants`).
    public var values: [String: Located] = [:]
    /// Cartesian axes in file order; the first varies slowest.
    public var grid: [SweepAxis] = []
    /// Paired axes: run i takes element i of every list.
    public var zip: [SweepAxis] = []
    public var zipLine: Int?
    /// Named partial configurations, in file order.
    public var variants: [Variant] = []
    /// `--set` values for run keys: applied after every sweep axis.
    public var overrides: [String: Located] = [:]

    public init(file: String, text: String) {
        self.file = file
        self.text = text
    }

    public struct SweepAxis: Sendable, Equatable {
        public var path: String
        public var values: [SpecValue]
        public var origin: Origin
    }

    public struct Variant: Sendable, Equatable {
        public var name: String
        public var values: [String: Located]
        public var origin: Origin
    }

    /// The effective value of a key outside the sweep (`experiment`, `seeds`, `paper.*`).
    public func value(_ path: String) -> Located {
        if let v = overrides[path] ?? values[path] { return v }
        guard let d = SpecSchema.key(path)?.defaultValue else {
            preconditionFailure("no default for '\(path)': required keys are checked at parse time")
        }
        return Located(d, .defaulted)
    }

    public var experiment: String { value("experiment").value.stringValue ?? "" }
    public var description: String { value("description").value.stringValue ?? "" }
    public var seeds: [Int] { value("seeds").value.listValue?.compactMap(\.intValue) ?? [0] }
}
