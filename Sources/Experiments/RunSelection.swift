import Support

/// Which of a sweep's runs one `longlora run` process serves: all of them, the ones named
/// with `--only RUN_ID` (a Slurm array task), or every N-th from I with `--shard I/N` (any
/// scheduler that hands its workers an index: GNU parallel, Kubernetes indexed jobs).
/// Processes with overlapping selections are safe: runs are claimed (see `Runner`).
public struct RunSelection: Equatable, Sendable {
    public var only: [String]
    public var shard: Shard?

    /// Worker `index` of `count` (0-based): runs at positions index, index+count, ...
    public struct Shard: Equatable, Sendable {
        public var index: Int
        public var count: Int

        /// Parses `I/N` with 0 <= I < N.
        public init(_ text: String) throws {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count > 0, (0..<count).contains(index) else {
                throw UserError("--shard '\(text)': expected I/N with 0 <= I < N, e.g. --shard 0/4")
            }
            self.index = index
            self.count = count
        }
    }

    public init(only: [String] = [], shard: Shard? = nil) {
        self.only = only
        self.shard = shard
    }

    /// The selected runs, in sweep order. An `--only` id that names no run is an error that
    /// lists the nearest id.
    public func apply(_ runs: [PlannedRun]) throws -> [PlannedRun] {
        var selected = runs
        if !only.isEmpty {
            let ids = runs.map(\.id)
            for id in only where !ids.contains(id) {
                var message = "--only '\(id)': no run of the sweep has this id"
                if let near = Suggestion.nearest(to: id, among: ids) { message += " (did you mean '\(near)'?)" }
                throw UserError(message, hint: "longlora run SPEC --dry-run lists the run ids")
            }
            selected = selected.filter { only.contains($0.id) }
        }
        if let shard {
            selected = selected.enumerated().filter { $0.offset % shard.count == shard.index }.map(\.element)
        }
        return selected
    }
}
