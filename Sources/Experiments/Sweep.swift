import Support

/// One run of an experiment, fully resolved and checked.
public struct PlannedRun: Sendable {
    /// Short human id: `lora-plus,attention=s2,context=1024,seed=0`; `--set` overrides of
    /// run keys add their labels (`steps=31`), so such runs sit beside the spec's own.
    public var id: String
    /// The id without the seed: runs that differ only by seed share a setting (table rows).
    public var setting: String
    public var seed: Int
    /// The variant's name, when the spec has variants.
    public var variant: String?
    public var values: ResolvedValues
    public var config: RunConfig

    /// Canonical JSON of the resolved run keys (sorted keys): the `config` of the hash.
    public var canonicalJSON: String { values.nested().canonicalJSON }

    /// The config as recorded in the result file: the canonical config plus `variant`
    /// (a label for tables; variants are otherwise told apart only by their values).
    public var recordedConfig: String {
        guard let variant, case .map(var entries) = values.nested() else { return canonicalJSON }
        entries.append(.init("variant", .string(variant)))
        return SpecValue.map(entries).canonicalJSON
    }

    /// The corpora the run reads: its training corpus and every evaluation corpus (none for
    /// an `analytic.only` run).
    public var corpora: [String] {
        if config.analytic.only { return [] }
        var names = [config.data.corpus]
        for dataset in config.evaluate.datasets where !names.contains(dataset.corpus) { names.append(dataset.corpus) }
        return names
    }

    /// The run's content hash: config + the manifests of every corpus it reads + code.
    public func hash(_ version: CodeVersion) -> String { ContentHash.of(values.nested(), version: version) }

    /// Hash of the pretraining recipe alone: runs with equal values share one base model.
    public func baseHash(_ version: CodeVersion) -> String {
        ContentHash.of(values.nested(under: ["data", "model", "base"]), version: version.restricted(to: [config.data.corpus]))
    }

    /// Hash of everything fine-tuning depends on: runs that differ only in evaluation
    /// settings (or evaluation corpora) share one fine-tuned checkpoint.
    public func finetuneHash(_ version: CodeVersion) -> String {
        ContentHash.of(values.nested(under: ["data", "model", "base", "finetune", "seed"]),
                       version: version.restricted(to: [config.data.corpus]))
    }
}

/// Expands a spec's variants x grid x zip x seeds into runs, in a fixed order:
/// variants in file order (outermost), then the grid's Cartesian product with its first
/// key varying slowest, then the zipped positions, then the seeds (innermost).
public enum Sweep {
    public static func expand(_ spec: ExperimentSpec) throws -> [PlannedRun] {
        do { return try expandChecked(spec) } catch let issue as SpecIssue {
            throw issue.userError(file: spec.file)
        }
    }

    static func expandChecked(_ spec: ExperimentSpec) throws -> [PlannedRun] {
        // Overrides of run keys label the runs too (`--set finetune.steps=31` -> `steps=31`).
        let overridden = spec.overrides.filter { entry in SpecSchema.keys.contains { $0.path == entry.key && $0.role == .run } }
            .sorted { $0.key < $1.key }
        let labels = axisLabels(spec.grid.map(\.path) + spec.zip.map(\.path) + overridden.map(\.key))
        let variants: [ExperimentSpec.Variant?] = spec.variants.isEmpty ? [nil] : spec.variants
        let zipCount = spec.zip.first?.values.count ?? 1

        var runs: [PlannedRun] = []
        var seenHashes: [String: String] = [:]
        for variant in variants {
            for gridPoint in cartesian(spec.grid.map(\.values.count)) {
                for zipIndex in 0..<zipCount {
                    for seed in spec.seeds {
                        var given = spec.values
                        var idParts: [String] = variant.map { [$0.name] } ?? []
                        if let variant { given.merge(variant.values) { _, new in new } }
                        for (axis, index) in zip(spec.grid, gridPoint) {
                            given[axis.path] = Located(axis.values[index], axis.origin)
                            idParts.append("\(labels[axis.path]!)=\(axis.values[index].display)")
                        }
                        for axis in spec.zip {
                            given[axis.path] = Located(axis.values[zipIndex], axis.origin)
                            idParts.append("\(labels[axis.path]!)=\(axis.values[zipIndex].display)")
                        }
                        given.merge(spec.overrides) { _, new in new }
                        let setting = idParts.joined(separator: ",")
                        let overrideParts = overridden.map { "\(labels[$0.key]!)=\($0.value.value.display)" }
                        let id = (idParts + overrideParts + ["seed=\(seed)"]).joined(separator: ",")

                        let values = try RunResolution.resolve(given, seed: seed, run: id)
                        let config = RunConfig(resolved: values)
                        try RunValidation.check(config, values, run: id)
                        let run = PlannedRun(id: id, setting: setting, seed: seed, variant: variant?.name, values: values, config: config)
                        // Equal configs under two names would silently run once: say so.
                        if let twin = seenHashes[run.canonicalJSON] {
                            throw SpecIssue(line: nil, key: "", message: "runs '\(twin)' and '\(id)' resolve to the same configuration")
                        }
                        seenHashes[run.canonicalJSON] = id
                        runs.append(run)
                    }
                }
            }
        }
        try checkPaperRows(spec, settings: runs.map(\.setting))
        return runs
    }

    /// All index tuples of a Cartesian product, first position slowest.
    static func cartesian(_ counts: [Int]) -> [[Int]] {
        counts.reduce([[]]) { partial, count in partial.flatMap { prefix in (0..<count).map { prefix + [$0] } } }
    }

    /// The last path component (`attention`), or the whole path where two axes share it.
    static func axisLabels(_ paths: [String]) -> [String: String] {
        let last = { (p: String) in String(p.split(separator: ".").last ?? Substring(p)) }
        var counts: [String: Int] = [:]
        for p in paths { counts[last(p), default: 0] += 1 }
        return Dictionary(uniqueKeysWithValues: paths.map { ($0, counts[last($0)]! > 1 ? $0 : last($0)) })
    }

    /// Every `paper.rows` label must name a setting, or the side-by-side table would lose it.
    static func checkPaperRows(_ spec: ExperimentSpec, settings: [String]) throws {
        let rows = spec.value("paper.rows")
        for entry in rows.value.mapValue ?? [] where !settings.contains(entry.key) {
            var message = "row '\(entry.key)' matches no setting of the sweep"
            let unique = settings.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            if let near = Suggestion.nearest(to: entry.key, among: unique) { message += " (did you mean '\(near)'?)" }
            else { message += "; settings: " + unique.map { "'\($0)'" }.joined(separator: ", ") }
            // Values keep no line per map entry; find the row's own line in the text.
            var issue = rows.origin.issue(key: "paper.rows", message)
            if case .file = rows.origin, let line = lineOfKey(entry.key, in: spec.text) { issue.line = line }
            throw issue
        }
    }

    static func lineOfKey(_ key: String, in text: String) -> Int? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix(key + ":") || trimmed.hasPrefix("\"\(key)\":") || trimmed.hasPrefix("'\(key)':") { return index + 1 }
        }
        return nil
    }
}
