/// Renders `docs/spec-reference.md` from the schema table, so every key the parser
/// accepts is documented with its type, default and meaning. A test keeps the
/// committed page equal to this rendering; `longlora run --spec-reference` prints it.
public enum SpecReference {
    public static func markdown() -> String {
        var out = """
        # Experiment spec reference

        Generated from the schema in `Sources/Experiments/SpecSchema.swift` by
        `longlora run --spec-reference`; a test fails if this page and the code differ.

        A spec is a YAML mapping. Keys may be nested (`finetune: {lora: {rank: 8}}`) or
        dotted (`finetune.lora.rank: 8`). Parsing is strict: an unknown key (with a
        suggestion when it looks misspelt), a value of the wrong type or an impossible
        combination (a context that is not a multiple of the group size, an adapter rank
        above a projection's width, ...) stops `longlora run` before any work, with the
        file, line and key at fault. Every problem of a spec is listed at once, each with
        its line and key (a problem many runs of a sweep share, once, with the first run).
        `longlora run SPEC --print-config` prints each run's resolved configuration as YAML
        (`--config-format json`) without running anything.

        A run's value for a key comes from, in increasing precedence: the default below,
        the top of the file, its variant, its grid or zip position, and `--set`.


        """
        out += table(title: "Top level", doc: nil, keys: SpecSchema.keys.filter { section(of: $0.path) == nil })
        for s in SpecSchema.sections {
            let keys = SpecSchema.keys.filter { section(of: $0.path) == s.path }
            out += table(title: "`\(s.path)`", doc: s.doc, keys: keys)
        }
        out += sweeps
        return out
    }

    /// The deepest section that contains `path`.
    static func section(of path: String) -> String? {
        SpecSchema.sections.map(\.path).filter { path.hasPrefix($0 + ".") }.max { $0.count < $1.count }
    }

    static func table(title: String, doc: String?, keys: [KeyDescriptor]) -> String {
        var out = "## \(title)\n\n"
        if let doc { out += doc + "\n\n" }
        guard !keys.isEmpty else { return out }
        out += "| key | type | default | meaning |\n|---|---|---|---|\n"
        for key in keys {
            let defaultText = key.defaultValue.map { "`\(yaml($0))`" } ?? "required"
            let hashed = key.role == .run ? "" : " *Not part of the run hash.*"
            out += "| `\(key.path)` | \(cell(key.kind.describe)) | \(cell(defaultText)) | \(cell(key.doc + hashed)) |\n"
        }
        return out + "\n"
    }

    /// A value in YAML flow style, as a user would write it.
    static func yaml(_ value: SpecValue) -> String {
        switch value {
        case .string(let s): return s.isEmpty ? "\"\"" : s
        case .list(let items): return "[" + items.map(yaml).joined(separator: ", ") + "]"
        case .map(let entries): return "{" + entries.map { "\($0.key): \(yaml($0.value))" }.joined(separator: ", ") + "}"
        default: return value.display
        }
    }

    static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }

    static let sweeps = """
    ## Sweeps

    | key | type | meaning |
    |---|---|---|
    | `grid` | mapping from a run key to a non-empty list of its values | Cartesian product: one run per combination, the first key varying slowest. |
    | `zip` | mapping from run keys to lists of equal length | Paired lists: run i takes element i of every list (e.g. each training context with its own evaluation lengths). |
    | `variants` | mapping from a name to keys (nested or dotted) | Named configurations, e.g. `lora-plus: {finetune.trainable: [lora, embed, norm]}`. |

    Only keys that change a run (the `data`, `model`, `base`, `finetune` and `evaluate`
    keys) can be swept; a key may belong to one of `grid`, `zip` and the variants, not two.
    Runs are expanded as variants (file order) x grid x zip x `seeds` (innermost) and named
    by what varies, e.g. `lora-plus,attention=s2,context=1024,seed=0`: the variant, then
    each axis as `key=value` (the last part of its path, or the whole path when two axes
    share it; lists joined by `+`), then the seed. Two runs that resolve to the same
    configuration under different names are an error.

    Keys a run does not read do not multiply runs: `finetune.group` when neither the
    fine-tuning nor any evaluation pattern is grouped (all `full`), and `finetune.lora.*`
    under full fine-tuning (`trainable: [all]`). Such a key is left out of the run's
    configuration, hash and id, so `grid: {finetune.attention: [full, s2], finetune.group:
    [0.125, 0.25]}` gives one run `attention=full` and two s2 runs; `longlora run` (and
    `--dry-run`) says which combinations each merged run stands for.

    In tables and figure legends a setting reads as its `labels:` entry (its own, or its
    variant's), or as a phrase made from what tells it apart: `full attention`,
    `S2-Attn, G = n/8`, `LoRA+`, `full fine-tuning`, `no fine-tuning`, `context 2048`, else
    the variant's name. The default layouts use it (`rows: [label]`); a layout of your own
    may too. A label is not part of a run's hash: after editing `labels:`, `longlora run`
    reuses every run and only rewrites the labels the tables and figures read.

    Each run is identified by its content hash: SHA-256 of the canonical JSON (sorted keys)
    of every resolved run key (defaults filled in, `auto` replaced by its value, plus
    `seed`), together with the SHA-256 of the corpus manifest and the code fingerprint
    (every source file but the rendering targets', Package.swift and the dependencies'
    revisions). `longlora run` skips runs whose hash is already complete in the result file.
    The base model is cached by the hash of `data`, `model` and `base` alone, and a
    fine-tuned checkpoint by the hash of everything but `evaluate`.

    ## `--set`

    `longlora run SPEC --set key.path=value` changes any key; the value is YAML
    (`--set finetune.attention=full`, `--set seeds=[0,1,2]`, `--set finetune.lora={rank: 16}`)
    and is checked like the file's. A `--set` of a swept key pins it and removes its axis.
    `--set grid.<key>=[...]` and `--set zip.<key>=[...]` replace or add an axis;
    `--set variants.<name>.<key>=value` changes or adds a variant.

    """
}
