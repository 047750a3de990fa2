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
    /// The setting's human label for tables and legends (`RunLabel`, or the spec's `labels:`).
    public var label: String = ""
    public var values: ResolvedValues
    public var config: RunConfig
    /// The sweep's combinations this run stands for when they differ only in keys it does
    /// not read (`attention=full,group=0.125,seed=0`); empty when the id says it all.
    public var merged: [String] = []

    /// Why each swept key left out of the id does not apply (`Applicability`).
    public var ignoredKeys: [String: String] { values.inapplicable }

    /// Canonical JSON of the resolved run keys (sorted keys): the `config` of the hash.
    public var canonicalJSON: String { values.nested().canonicalJSON }

    /// The config as recorded in the result file: the canonical config plus `variant` and
    /// `label` (for tables and legends; variants are otherwise told apart only by their values).
    public var recordedConfig: String {
        guard case .map(var entries) = values.nested() else { return canonicalJSON }
        if let variant { entries.append(.init("variant", .string(variant))) }
        if !label.isEmpty { entries.append(.init("label", .string(label))) }
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

    /// Hash of the pretraining recipe without its length (`base.steps`): constant-rate bases
    /// that share it are prefixes of one another (`BaseContinuation`).
    public func baseRecipeHash(_ version: CodeVersion) -> String {
        ContentHash.of(values.nested(under: ["data", "model", "base"], excluding: ["base.steps"]),
                       version: version.restricted(to: [config.data.corpus]))
    }

    /// Hash of everything fine-tuning depends on: runs that differ only in evaluation
    /// settings (or evaluation corpora) share one fine-tuned checkpoint. A validation curve
    /// (`finetune.eval_every`) is stored with the checkpoint and measured with the evaluate
    /// protocol, stride and `max_windows`, so those keys then belong to the fine-tune too:
    /// otherwise whichever run trained first would fix the curve of every run sharing it.
    public func finetuneHash(_ version: CodeVersion) -> String {
        var keys = ["data", "model", "base", "finetune", "seed"]
        if config.finetune.evalEvery > 0, config.finetune.training.steps > 0 {
            keys += ValidationCurve.evaluationKeys
        }
        return ContentHash.of(values.nested(under: keys), version: version.restricted(to: [config.data.corpus]))
    }
}

/// Expands a spec's variants x grid x zip x seeds into runs, in a fixed order:
/// variants in file order (outermost), then the grid's Cartesian product with its first
/// key varying slowest, then the zipped positions, then the seeds (innermost).
public enum Sweep {
    public static func expand(_ spec: ExperimentSpec) throws -> [PlannedRun] {
        do { return try expandChecked(spec) } catch let issue as SpecIssue {
            throw issue.userError(file: spec.file)
        } catch let list as SpecIssueList {
            throw list.userError(file: spec.file)
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
        // Every run is checked; a problem many runs share is listed once.
        var issues = SpecIssueList()
        for variant in variants {
            for gridPoint in cartesian(spec.grid.map(\.values.count)) {
                for zipIndex in 0..<zipCount {
                    for seed in spec.seeds { try issues.collect {
                        var given = spec.values
                        var parts: [(key: String, label: String)] = variant.map { [("", $0.name)] } ?? []
                        if let variant { given.merge(variant.values) { _, new in new } }
                        for (axis, index) in zip(spec.grid, gridPoint) {
                            given[axis.path] = Located(axis.values[index], axis.origin)
                            parts.append((axis.path, "\(labels[axis.path]!)=\(axis.values[index].nameText)"))
                        }
                        for axis in spec.zip {
                            given[axis.path] = Located(axis.values[zipIndex], axis.origin)
                            parts.append((axis.path, "\(labels[axis.path]!)=\(axis.values[zipIndex].nameText)"))
                        }
                        given.merge(spec.overrides) { _, new in new }
                        let overrideParts = overridden.map { (key: $0.key, label: "\(labels[$0.key]!)=\($0.value.value.nameText)") }
                        // Every swept value names the combination in messages ...
                        let combination = ((parts + overrideParts).map(\.label) + ["seed=\(seed)"]).joined(separator: ",")
                        let values = try RunResolution.resolve(given, seed: seed, run: combination)
                        // ... but the run's id names only the keys it reads.
                        let applies = { (part: (key: String, label: String)) in values.inapplicable[part.key] == nil }
                        let setting = parts.filter(applies).map(\.label).joined(separator: ",")
                        let id = (parts.filter(applies) + overrideParts.filter(applies)).map(\.label) + ["seed=\(seed)"]
                        let idText = id.joined(separator: ",")

                        let config = RunConfig(resolved: values)
                        try RunValidation.check(config, values, run: idText)
                        var run = PlannedRun(id: idText, setting: setting, seed: seed, variant: variant?.name, values: values, config: config)
                        run.label = RunLabel.make(variant: variant, axes: parts.filter(applies).map(\.key).filter { !$0.isEmpty }, values: values)
                        if let twin = seenHashes[run.canonicalJSON] {
                            // A combination that differs only in keys the run ignores is the
                            // same run: keep the first, and say which were merged into it.
                            if twin == idText, let index = runs.firstIndex(where: { $0.id == twin }) {
                                runs[index].merged.append(combination)
                                return
                            }
                            // Equal configs under two names would silently run once: say so.
                            throw SpecIssue(line: nil, key: "", message: "runs '\(twin)' and '\(idText)' resolve to the same configuration")
                        }
                        if let other = runs.first(where: { $0.id == idText }) {
                            throw SpecIssue(line: nil, key: "", message: "runs '\(other.merged.first ?? other.id)' and '\(combination)' would both be named '\(idText)' (a path is named by its last component)")
                        }
                        if combination != idText { run.merged = [combination] }
                        seenHashes[run.canonicalJSON] = idText
                        runs.append(run)
                    } }
                }
            }
        }
        try issues.throwIfAny()
        try checkPaperRows(spec, settings: runs.map(\.setting))
        try applyLabels(spec, to: &runs)
        return runs
    }

    /// One line per run that stands for several combinations of the sweep, naming them and
    /// the keys that do not apply: `attention=full,seed=0 stands for ... (finetune.group: ...)`.
    public static func mergeReport(_ runs: [PlannedRun]) -> [String] {
        runs.filter { $0.merged.count > 1 }.map { run in
            let keys = run.ignoredKeys.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            return "\(run.id) stands for \(run.merged.joined(separator: ", ")) (not read: \(keys.joined(separator: "; ")))"
        }
    }

    /// The spec's `labels:` replace the derived ones. An entry names a setting, or a variant:
    /// then every setting of the variant (one per context of a zip, say) gets the label, and
    /// a table whose columns are the other keys shows the variant as one row. A setting's
    /// own entry wins over its variant's. Two settings must not share a chosen label unless
    /// it is their variant's (their rows would merge in a table).
    static func applyLabels(_ spec: ExperimentSpec, to runs: inout [PlannedRun]) throws {
        let given = spec.value("labels")
        let settings = runs.reduce(into: [String]()) { if !$0.contains($1.setting) { $0.append($1.setting) } }
        let variants = runs.reduce(into: [String]()) { if let v = $1.variant, !$0.contains(v) { $0.append(v) } }
        for entry in given.value.mapValue ?? [] where !settings.contains(entry.key) && !variants.contains(entry.key) {
            var message = "'\(entry.key)' matches no setting or variant of the sweep"
            if let near = Suggestion.nearest(to: entry.key, among: settings + variants) { message += " (did you mean '\(near)'?)" }
            else { message += "; settings: " + settings.map { "'\($0)'" }.joined(separator: ", ") }
            var issue = given.origin.issue(key: "labels", message)
            if case .file = given.origin, let line = lineOfKey(entry.key, in: spec.text) { issue.line = line }
            throw issue
        }
        let chosen = Dictionary((given.value.mapValue ?? []).map { ($0.key, $0.value.stringValue ?? "") }, uniquingKeysWith: { a, _ in a })
        func choice(_ run: PlannedRun) -> String? { chosen[run.setting] ?? run.variant.flatMap { chosen[$0] } }
        for index in runs.indices {
            if let label = choice(runs[index]) { runs[index].label = label }
        }
        // Derived labels that coincide fall back to the settings; chosen ones are an error,
        // but for the settings of one variant that share the variant's label.
        var settingsByLabel: [String: [PlannedRun]] = [:]
        for run in runs where !(settingsByLabel[run.label]?.contains { $0.setting == run.setting } ?? false) {
            settingsByLabel[run.label, default: []].append(run)
        }
        for (label, shared) in settingsByLabel.sorted(by: { $0.key < $1.key }) where shared.count > 1 {
            if shared.contains(where: { choice($0) != nil }) {
                let ofOneVariant = shared.allSatisfy { $0.variant != nil && $0.variant == shared[0].variant
                    && chosen[$0.setting] == nil && chosen[$0.variant!] == label }
                if ofOneVariant { continue }
                // Name a pair that tells why: two variants, or a setting with an entry of its own.
                let other = shared.dropFirst().first { $0.variant != shared[0].variant || chosen[$0.setting] != nil } ?? shared[1]
                throw given.origin.issue(key: "labels", "settings '\(shared[0].setting)' and '\(other.setting)' share the label '\(label)'")
            }
            for index in runs.indices where runs[index].label == label {
                runs[index].label = runs[index].setting.isEmpty ? "all runs" : runs[index].setting
            }
        }
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
