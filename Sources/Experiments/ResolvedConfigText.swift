/// A sweep's runs as their resolved configurations (`longlora run SPEC --print-config`):
/// every run key after defaults, sweep axes, `--set` and `auto` were applied, which is
/// exactly what the run's content hash sees. Keys a run does not read are left out and
/// named in a comment.
public enum ResolvedConfigText {
    public enum Format: String, CaseIterable, Sendable {
        case yaml, json
    }

    public static func render(_ runs: [PlannedRun], format: Format) -> String {
        switch format {
        case .yaml:
            return runs.map { run in
                var lines = ["--- # run \(run.id)"]
                for (key, reason) in run.ignoredKeys.sorted(by: { $0.key < $1.key }) {
                    lines.append("# \(key): not read (\(reason))")
                }
                lines += yaml(run.values.nested(), indent: 0)
                return lines.joined(separator: "\n") + "\n"
            }.joined()
        case .json:
            let items = runs.map { run in
                SpecValue.map([.init("id", .string(run.id)), .init("config", run.values.nested())]).canonicalJSON
            }
            return "[\n" + items.map { "  " + $0 }.joined(separator: ",\n") + "\n]\n"
        }
    }

    /// Block mappings, lists of scalars in flow style (`[256, 512]`), keys sorted.
    static func yaml(_ value: SpecValue, indent: Int) -> [String] {
        guard case .map(let entries) = value else { return [String(repeating: " ", count: indent) + scalar(value)] }
        let pad = String(repeating: " ", count: indent)
        return entries.sorted { $0.key < $1.key }.flatMap { entry -> [String] in
            if case .map(let children) = entry.value, !children.isEmpty {
                return ["\(pad)\(entry.key):"] + yaml(entry.value, indent: indent + 2)
            }
            return ["\(pad)\(entry.key): \(scalar(entry.value))"]
        }
    }

    static func scalar(_ value: SpecValue) -> String {
        switch value {
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let x): return SpecValue.realText(x)
        case .string(let s): return plainIsSafe(s) ? s : SpecValue.jsonString(s)
        case .list(let items): return "[" + items.map(scalar).joined(separator: ", ") + "]"
        case .map(let entries): return "{" + entries.map { "\($0.key): \(scalar($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// A string reads back as itself unquoted if it starts with a letter, holds no YAML
    /// indicator and is not a word YAML reads as a boolean or null.
    static func plainIsSafe(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.properties.isAlphabetic else { return false }
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "auto"]
        guard !reserved.contains(s.lowercased()) else { return s == "auto" }
        return s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.+/".unicodeScalars.contains($0) }
            && !s.hasSuffix(":")
    }
}
