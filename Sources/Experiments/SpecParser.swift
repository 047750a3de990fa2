import Foundation
import Support
import Yams

/// Reads a spec from YAML, strictly: an unknown key, a wrong type or an impossible value
/// is an error naming the file, the line and the key, before any work starts.
///
/// Keys may be nested (`finetune: {lora: {rank: 8}}`) or dotted (`finetune.lora.rank: 8`).
public enum SpecParser {
    /// Parses the spec at `url`, applies the `--set` overrides, and checks every run of
    /// the sweep; returns the spec only if all of it is valid.
    public static func load(_ url: URL, overrides: [String] = []) throws -> ExperimentSpec {
        try parse(try SpecFile.read(url), file: url.path, overrides: overrides)
    }

    public static func parse(_ text: String, file: String, overrides: [String] = []) throws -> ExperimentSpec {
        do {
            // Every problem of the file and of the overrides at once.
            var issues = SpecIssueList()
            var spec = try parseFile(text, file: file, issues: &issues)
            for argument in overrides { try issues.collect { try SpecOverride.apply(argument, to: &spec) } }
            try issues.collect { try checkRequired(spec) }
            try issues.throwIfAny()
            return spec
        } catch let issue as SpecIssue {
            throw issue.userError(file: file)
        } catch let list as SpecIssueList {
            throw list.userError(file: file)
        }
    }

    static func parseFile(_ text: String, file: String) throws -> ExperimentSpec {
        var issues = SpecIssueList()
        let spec = try parseFile(text, file: file, issues: &issues)
        try issues.throwIfAny()
        return spec
    }

    /// Parses what can be parsed; a problem with one key is added to `issues` and the next
    /// key is read. Only a file that is not a YAML mapping stops at once.
    static func parseFile(_ text: String, file: String, issues: inout SpecIssueList) throws -> ExperimentSpec {
        let root: Node?
        do { root = try YAMLAnchors.compose(text, path: "") } catch let error as YamlError {
            throw yamlProblem(error, file: file)
        }
        var spec = ExperimentSpec(file: file, text: text)
        guard let root else { throw SpecIssue(line: nil, key: "", message: "the spec is empty") }
        guard case .mapping(let mapping) = root else {
            throw SpecIssue(line: root.mark?.line, key: "", message: "expected a mapping of keys at the top, got \(ValueKind.describeNode(root))")
        }
        for (keyNode, valueNode) in mapping {
            try issues.collect {
                let key = try keyName(keyNode, prefix: "")
                switch key {
                case "grid": spec.grid = try axes(valueNode, section: "grid")
                case "zip":
                    spec.zip = try axes(valueNode, section: "zip")
                    spec.zipLine = valueNode.mark?.line
                    try checkZipLengths(spec.zip)
                case "variants": spec.variants = try variants(valueNode)
                default:
                    try assign(valueNode, at: key, roles: nil, into: &spec.values, origin: { .file(line: $0) })
                }
            }
        }
        try issues.collect { try checkSweepConflicts(spec) }
        return spec
    }

    /// Stores `node` at `path`: a leaf is type-checked, a section must be a mapping whose
    /// keys are checked recursively. `roles` limits which keys may appear (sweeps: run keys only).
    static func assign(_ node: Node, at path: String, roles: Set<KeyDescriptor.Role>?,
                       into values: inout [String: Located], origin: (Int?) -> Origin) throws {
        if let key = SpecSchema.key(path) {
            if let roles, !roles.contains(key.role) {
                throw SpecIssue(line: node.mark?.line, key: path, message: "cannot be set here: only keys that change a run can be swept or set in a variant")
            }
            let located = Located(try key.kind.check(node, path: path), origin(node.mark?.line))
            // `a.b: 1` beside `a: {b: 2}` in one file; a later `--set` simply wins.
            if let previous = values[path], case .file(let first) = previous.origin, case .file = located.origin {
                throw SpecIssue(line: node.mark?.line, key: path, message: "is set twice (first at line \(first.map(String.init) ?? "?"))")
            }
            values[path] = located
            return
        }
        guard SpecSchema.isSection(path) else { throw unknownKey(path, line: node.mark?.line) }
        if case .scalar = node, ValueKind.tag(node) == .null { return }  // `finetune:` with nothing under it
        guard case .mapping(let mapping) = node else {
            throw SpecIssue(line: node.mark?.line, key: path, message: "expected a mapping of keys, got \(ValueKind.describeNode(node))")
        }
        var issues = SpecIssueList()
        for (keyNode, valueNode) in mapping {
            try issues.collect {
                let child = path + "." + (try keyName(keyNode, prefix: path))
                try assign(valueNode, at: child, roles: roles, into: &values, origin: origin)
            }
        }
        try issues.throwIfAny()
    }

    static func keyName(_ node: Node, prefix: String) throws -> String {
        guard let scalar = node.scalar, !scalar.string.isEmpty else {
            let key = prefix.isEmpty ? "" : prefix
            throw SpecIssue(line: node.mark?.line, key: key, message: "expected a key name, got \(ValueKind.describeNode(node))")
        }
        return scalar.string
    }

    /// `key 'finetune.grup' is unknown (did you mean 'finetune.group'?)`.
    static func unknownKey(_ path: String, line: Int?) -> SpecIssue {
        var parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else {
            return SpecIssue(line: line, key: path, message: "is not a key path: expected names joined by '.' (e.g. finetune.lora.rank), without empty parts")
        }
        // Find the longest valid prefix: the typo is in the component after it.
        var prefix = ""
        var index = 0
        while index < parts.count - 1 {
            let next = prefix.isEmpty ? parts[index] : prefix + "." + parts[index]
            guard SpecSchema.isSection(next) else { break }
            prefix = next
            index += 1
        }
        let siblings = SpecSchema.children(of: prefix)
        var message = "is unknown"
        if let near = Suggestion.nearest(to: parts[index], among: siblings) {
            parts[index] = near
            // The whole corrected path if it exists (`fintune.steps` -> `finetune.steps`).
            let whole = parts.joined(separator: ".")
            let valid = SpecSchema.key(whole) != nil || SpecSchema.isSection(whole)
            let suggestion = valid ? whole : parts[0...index].joined(separator: ".")
            message += " (did you mean '\(suggestion)'?)"
        } else if let near = Suggestion.nearest(to: path, among: SpecSchema.keys.map(\.path)) {
            message += " (did you mean '\(near)'?)"
        } else {
            let where_ = prefix.isEmpty ? "at the top" : "in '\(prefix)'"
            message += "; keys allowed \(where_): " + siblings.joined(separator: ", ")
        }
        return SpecIssue(line: line, key: path, message: message)
    }

    /// `grid:` / `zip:` — dotted run keys mapped to non-empty lists of their values.
    static func axes(_ node: Node, section: String) throws -> [ExperimentSpec.SweepAxis] {
        guard case .mapping(let mapping) = node else {
            throw SpecIssue(line: node.mark?.line, key: section, message: "expected a mapping from keys to lists of values, got \(ValueKind.describeNode(node))")
        }
        var axes: [ExperimentSpec.SweepAxis] = []
        var issues = SpecIssueList()
        for (keyNode, valueNode) in mapping {
            try issues.collect {
                let path = try keyName(keyNode, prefix: section)
                axes.append(try axis(path, valueNode, section: section, origin: .file(line: keyNode.mark?.line)))
            }
        }
        try issues.throwIfAny()
        return axes
    }

    static func axis(_ path: String, _ node: Node, section: String, origin: Origin) throws -> ExperimentSpec.SweepAxis {
        guard let key = SpecSchema.key(path) else {
            var issue = unknownKey(path, line: node.mark?.line)
            issue.key = "\(section).\(path)"
            throw issue
        }
        guard key.role == .run else {
            throw SpecIssue(line: node.mark?.line, key: "\(section).\(path)", message: "cannot be swept: only keys that change a run can (use `seeds:` for seeds)")
        }
        guard case .sequence(let sequence) = node, sequence.count > 0 else {
            throw SpecIssue(line: node.mark?.line, key: "\(section).\(path)", message: "expected a non-empty list of values, got \(ValueKind.describeNode(node))")
        }
        var values: [SpecValue] = []
        var issues = SpecIssueList()
        for element in sequence {
            try issues.collect {
                let value = try key.kind.check(element, path: path)
                if values.contains(value) {
                    throw SpecIssue(line: element.mark?.line, key: "\(section).\(path)", message: "'\(value.display)' appears twice")
                }
                values.append(value)
            }
        }
        try issues.throwIfAny()
        return .init(path: path, values: values, origin: origin)
    }

    static func checkZipLengths(_ zip: [ExperimentSpec.SweepAxis]) throws {
        guard let first = zip.first else { return }
        var issues = SpecIssueList()
        for axis in zip.dropFirst() where axis.values.count != first.values.count {
            let line: Int? = if case .file(let l) = axis.origin { l } else { nil }
            issues.append(SpecIssue(line: line, key: "zip.\(axis.path)",
                            message: "has \(axis.values.count) values but 'zip.\(first.path)' has \(first.values.count); zipped lists must have equal lengths"))
        }
        try issues.throwIfAny()
    }

    /// `variants:` — names mapped to partial specs of run keys.
    static func variants(_ node: Node) throws -> [ExperimentSpec.Variant] {
        guard case .mapping(let mapping) = node else {
            throw SpecIssue(line: node.mark?.line, key: "variants", message: "expected a mapping from variant names to keys, got \(ValueKind.describeNode(node))")
        }
        var variants: [ExperimentSpec.Variant] = []
        var issues = SpecIssueList()
        for (keyNode, valueNode) in mapping {
            try issues.collect {
                let name = try ValueKind.name.check(keyNode, path: "variants").stringValue!
                guard case .mapping(let body) = valueNode else {
                    throw SpecIssue(line: valueNode.mark?.line, key: "variants.\(name)", message: "expected a mapping of keys, got \(ValueKind.describeNode(valueNode))")
                }
                var values: [String: Located] = [:]
                var keyIssues = SpecIssueList()
                for (k, v) in body {
                    try keyIssues.collect {
                        try assign(v, at: try keyName(k, prefix: "variants.\(name)"), roles: [.run], into: &values, origin: { .file(line: $0) })
                    }
                }
                try keyIssues.throwIfAny()
                variants.append(.init(name: name, values: values, origin: .file(line: keyNode.mark?.line)))
            }
        }
        try issues.throwIfAny()
        return variants
    }

    /// A key swept by two mechanisms has no single meaning.
    static func checkSweepConflicts(_ spec: ExperimentSpec) throws {
        var owner: [String: String] = [:]
        var issues = SpecIssueList()
        for axis in spec.grid { owner[axis.path] = "grid" }
        for axis in spec.zip {
            if let other = owner[axis.path] {
                issues.append(axis.origin.issue(key: "zip.\(axis.path)", "is also swept by '\(other)'"))
            }
            owner[axis.path] = "zip"
        }
        for variant in spec.variants {
            for (path, located) in variant.values.sorted(by: { $0.key < $1.key }) {
                if let other = owner[path] {
                    issues.append(located.origin.issue(key: "variants.\(variant.name).\(path)", "is also swept by '\(other)'"))
                }
            }
        }
        try issues.throwIfAny()
    }

    static func checkRequired(_ spec: ExperimentSpec) throws {
        var issues = SpecIssueList()
        for key in SpecSchema.keys where key.defaultValue == nil {
            if spec.values[key.path] == nil, spec.overrides[key.path] == nil {
                issues.append(SpecIssue(line: nil, key: key.path, message: "is required: \(key.doc)"))
            }
        }
        try issues.throwIfAny()
    }

    static func yamlProblem(_ error: YamlError, file: String) -> SpecIssue {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return SpecIssue(line: mark.line, key: "", message: "not valid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return SpecIssue(line: context.mark.line, key: duplicates.sorted().joined(separator: ", "),
                             message: "is set twice in one mapping")
        default:
            return SpecIssue(line: nil, key: "", message: "not valid YAML: \(error)")
        }
    }
}
