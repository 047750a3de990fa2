import Data
import Model
import Support

/// Every run key of one run with its value and origin, `auto` replaced by what it means.
///
/// This flat form is what the canonical JSON (and so the content hash) serialises, so a
/// spec that says `position_interpolation: auto` and one that says `4.0` hash alike.
public struct ResolvedValues: Sendable, Equatable {
    public var entries: [String: Located]
    /// Keys this run does not read, with the reason (`Applicability`): left out of the
    /// canonical config and the hash, and of the run's id.
    public var inapplicable: [String: String] = [:]
    /// Optional keys left at their "not given" default (`Applicability.optional`): out of the
    /// canonical config like inapplicable keys, but not reported as ignored.
    public var absent: Set<String> = []
    /// The given base model (`base.checkpoint`), read once at resolution.
    public var checkpoint: BaseCheckpoint?

    public subscript(_ path: String) -> SpecValue {
        guard let v = entries[path]?.value else { preconditionFailure("'\(path)' is not resolved") }
        return v
    }
    func int(_ p: String) -> Int { self[p].intValue! }
    func double(_ p: String) -> Double { self[p].doubleValue! }
    func string(_ p: String) -> String { self[p].stringValue! }
    func bool(_ p: String) -> Bool { self[p].boolValue! }
    func strings(_ p: String) -> [String] { self[p].listValue!.map { $0.stringValue! } }
    func ints(_ p: String) -> [Int] { self[p].listValue!.map { $0.intValue! } }
    func origin(_ p: String) -> Origin { entries[p]?.origin ?? .defaulted }

    /// The values of the keys under `prefixes` (all run keys if empty), nested by path,
    /// e.g. {"finetune": {"lora": {"rank": 8}}}.
    public func nested(under prefixes: [String] = [], excluding excluded: Set<String> = []) -> SpecValue {
        let chosen = entries.filter { entry in
            inapplicable[entry.key] == nil && !absent.contains(entry.key) && !excluded.contains(entry.key)
                && (prefixes.isEmpty || prefixes.contains { entry.key == $0 || entry.key.hasPrefix($0 + ".") })
        }
        return Self.nest(chosen.map { ($0.key.split(separator: ".").map(String.init), $0.value.value) })
    }

    static func nest(_ items: [([String], SpecValue)]) -> SpecValue {
        var order: [String] = []
        var groups: [String: [([String], SpecValue)]] = [:]
        var leaves: [String: SpecValue] = [:]
        for (parts, value) in items {
            if parts.count == 1 { leaves[parts[0]] = value } else { groups[parts[0], default: []].append((Array(parts.dropFirst()), value)) }
            if !order.contains(parts[0]) { order.append(parts[0]) }
        }
        return .map(order.sorted().map { key in .init(key, leaves[key] ?? nest(groups[key]!)) })
    }
}

enum RunResolution {
    /// Fills defaults for every run key and resolves `auto`; `seed` is added as a key.
    static func resolve(_ given: [String: Located], seed: Int, run: String) throws(SpecIssue) -> ResolvedValues {
        var entries: [String: Located] = [:]
        for key in SpecSchema.keys where key.role == .run {
            entries[key.path] = given[key.path] ?? Located(key.defaultValue!, .defaulted)
        }
        entries["seed"] = Located(.int(seed), .defaulted)
        var v = ResolvedValues(entries: entries)
        func set(_ path: String, _ value: SpecValue) { v.entries[path]!.value = value }
        func isAuto(_ path: String) -> Bool { v[path] == .string("auto") }

        // A given base model: its vocabulary, its trained context, its files' digest.
        try resolveCheckpoint(&v, run: run)

        // Vocabulary follows the tokenizer.
        let byte = v.string("data.tokenizer") == "byte"
        if isAuto("data.vocab") { set("data.vocab", .int(byte ? ModelConfig.byteVocabSize : BPETokenizer.defaultVocabSize)) }
        if byte, v.int("data.vocab") != ModelConfig.byteVocabSize {
            throw v.origin("data.vocab").issue(key: "data.vocab", "a byte tokenizer has exactly \(ModelConfig.byteVocabSize) tokens, got \(v.int("data.vocab"))", run: run)
        }

        // Model sizes default to the preset's.
        let preset = try! ModelConfig.preset(v.string("model.preset"))  // the key's kind only admits preset names
        // In this order: kv_heads may follow the (already resolved) heads.
        let presetSizes = [("model.dim", preset.dim), ("model.layers", preset.nLayers), ("model.heads", preset.nHeads),
                           ("model.kv_heads", preset.nKVHeads), ("model.ffn", preset.ffnDim)]
        for (path, size) in presetSizes where isAuto(path) {
            // Changing the head count of a preset keeps its kv heads equal to the heads (no GQA).
            let followsHeads = path == "model.kv_heads" && preset.nKVHeads == preset.nHeads
            set(path, followsHeads ? v["model.heads"] : .int(size))
        }

        // The paper's linear position interpolation factor.
        if isAuto("finetune.position_interpolation") {
            let factor = (v.int("finetune.context") + v.int("base.context") - 1) / v.int("base.context")
            set("finetune.position_interpolation", .double(Double(max(1, factor))))
        }

        // The harness's length scale.
        if isAuto("analytic.context") { set("analytic.context", .int(v.int("finetune.context") * SpecSchema.paperLengthFactor)) }

        // Datasets as corpus:split.
        var datasets: [SpecValue] = []
        for entry in v.strings("evaluate.datasets") {
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let (corpus, split) = parts.count == 1 ? (v.string("data.corpus"), parts[0]) : (parts[0], parts.count == 2 ? parts[1] : "")
            guard parts.count <= 2, ValueKind.isName(corpus), Split(rawValue: split) != nil else {
                throw v.origin("evaluate.datasets").issue(key: "evaluate.datasets",
                    "expected 'split' or 'corpus:split' with split one of \(SpecSchema.splits.joined(separator: ", ")), got '\(entry)'", run: run)
            }
            let value = SpecValue.string("\(corpus):\(split)")
            if !datasets.contains(value) { datasets.append(value) }
        }
        set("evaluate.datasets", .list(datasets))

        // `train` at evaluation is the fine-tuning pattern.
        var patterns: [SpecValue] = []
        for name in v.strings("evaluate.attention") {
            let value = SpecValue.string(name == "train" ? v.string("finetune.attention") : name)
            if !patterns.contains(value) { patterns.append(value) }
        }
        set("evaluate.attention", .list(patterns))
        Applicability.apply(&v)
        return v
    }

    /// `base.checkpoint`: read the model (a bad path or file is an issue of that key), take
    /// `data.vocab` and, unless set, `base.context` from it, and put the SHA-256 of its files
    /// into the config as `base.checkpoint_sha256`, so the run's hash follows its bytes.
    /// `data.tokenizer: model` needs such a checkpoint, with a tokenizer.
    static func resolveCheckpoint(_ v: inout ResolvedValues, run: String) throws(SpecIssue) {
        let path = v.string("base.checkpoint")
        let tokenizer = v.string("data.tokenizer")
        guard !path.isEmpty else {
            if tokenizer == TokenizerKind.model.rawValue {
                throw v.origin("data.tokenizer").issue(key: "data.tokenizer", "'model' tokenizes with the tokenizer of base.checkpoint, which is not set", run: run)
            }
            return
        }
        let checkpoint: BaseCheckpoint
        do { checkpoint = try BaseCheckpoint.describe(path) } catch {
            throw v.origin("base.checkpoint").issue(key: "base.checkpoint", (error as? UserError)?.message ?? String(describing: error), run: run)
        }
        let vocab = checkpoint.config.vocabSize
        switch TokenizerKind(rawValue: tokenizer)! {
        case .model:
            guard checkpoint.tokenizerID != nil else {
                throw v.origin("data.tokenizer").issue(key: "data.tokenizer",
                    "'model': base.checkpoint \(checkpoint.model.path) ships no tokenizer (no \(HFTokenizer.fileName), or no tokenizer.ggml.* metadata)", run: run)
            }
        case .byte where vocab != ModelConfig.byteVocabSize:
            throw v.origin("data.tokenizer").issue(key: "data.tokenizer",
                "base.checkpoint \(checkpoint.model.path) has \(vocab) token ids, the byte tokenizer \(ModelConfig.byteVocabSize) (data.tokenizer: model tokenizes with the checkpoint's own)", run: run)
        case .byte, .bpe:
            break
        }
        if v["data.vocab"] == .string("auto") { v.entries["data.vocab"]!.value = .int(vocab) }
        guard v.int("data.vocab") == vocab else {
            throw v.origin("data.vocab").issue(key: "data.vocab", "base.checkpoint \(checkpoint.model.path) has \(vocab) token ids, not \(v.int("data.vocab"))", run: run)
        }
        if v.origin("base.context") == .defaulted { v.entries["base.context"]!.value = .int(checkpoint.config.maxContext) }
        v.entries["base.checkpoint_sha256"] = Located(.string(checkpoint.digest), .defaulted)
        v.checkpoint = checkpoint
    }
}
