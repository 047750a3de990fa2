import Yams

/// `--set key.path=value`: changes any field of a spec from the command line.
///
/// The value is read as YAML (`--set finetune.attention=full`, `--set seeds=[0,1,2]`,
/// `--set finetune.lora={rank: 16}`) and checked like the file's. Forms:
/// - a key or section path: the value wins over the file, every variant and every
///   sweep axis; a swept key is thereby pinned and its axis removed;
/// - `grid.<key>=[...]` / `zip.<key>=[...]`: replaces or adds that axis;
/// - `variants.<name>.<key>=value`: changes (or creates) one variant.
public enum SpecOverride {
    public static func apply(_ argument: String, to spec: inout ExperimentSpec) throws {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
            throw SpecIssue(line: nil, key: "", message: "expected key.path=value", argument: argument)
        }
        let path = String(argument[..<equals]).trimmingCharacters(in: .whitespaces)
        let text = String(argument[argument.index(after: equals)...])
        do {
            try apply(path: path, text: text, argument: argument, to: &spec)
        } catch var issue as SpecIssue {
            // Lines inside a one-line `--set` value mean nothing; name the argument instead.
            issue.line = nil
            issue.argument = argument
            throw issue
        } catch var list as SpecIssueList {
            for index in list.issues.indices {
                list.issues[index].line = nil
                list.issues[index].argument = argument
            }
            throw list
        }
    }

    static func apply(path: String, text: String, argument: String, to spec: inout ExperimentSpec) throws {
        let node = try parseValue(text, path: path)
        let origin = Origin.commandLine(argument)
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)

        if parts.count > 1, parts[0] == "grid" || parts[0] == "zip" {
            let keyPath = parts.dropFirst().joined(separator: ".")
            let axis = try SpecParser.axis(keyPath, node, section: parts[0], origin: origin)
            if parts[0] == "grid" { replace(axis, in: &spec.grid) } else {
                replace(axis, in: &spec.zip)
                try SpecParser.checkZipLengths(spec.zip)
            }
            try SpecParser.checkSweepConflicts(spec)
            return
        }
        if parts.count > 2, parts[0] == "variants" {
            let name = parts[1]
            let keyPath = parts.dropFirst(2).joined(separator: ".")
            var values: [String: Located] = [:]
            try SpecParser.assign(node, at: keyPath, roles: [.run], into: &values, origin: { _ in origin })
            if let index = spec.variants.firstIndex(where: { $0.name == name }) {
                spec.variants[index].values.merge(values) { _, new in new }
            } else {
                guard ValueKind.isName(name) else {
                    throw SpecIssue(line: nil, key: "variants.\(name)", message: "expected \(ValueKind.name.describe) as a variant name")
                }
                spec.variants.append(.init(name: name, values: values, origin: origin))
            }
            try SpecParser.checkSweepConflicts(spec)
            return
        }
        if SpecSchema.sweepSections.contains(path) {
            throw SpecIssue(line: nil, key: path, message: "set one axis at a time: \(path).<key>=[...]\(path == "variants" ? " or variants.<name>.<key>=value" : "")")
        }
        var values: [String: Located] = [:]
        try SpecParser.assign(node, at: path, roles: nil, into: &values, origin: { _ in origin })
        for (key, located) in values {
            spec.overrides[key] = located
            // Pinning a swept key removes its axis, so the sweep does not repeat one config.
            spec.grid.removeAll { $0.path == key }
            spec.zip.removeAll { $0.path == key }
        }
    }

    static func replace(_ axis: ExperimentSpec.SweepAxis, in axes: inout [ExperimentSpec.SweepAxis]) {
        if let index = axes.firstIndex(where: { $0.path == axis.path }) { axes[index] = axis } else { axes.append(axis) }
    }

    /// A YAML scalar or flow collection; an empty value is an error rather than null.
    static func parseValue(_ text: String, path: String) throws -> Node {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SpecIssue(line: nil, key: path, message: "has no value after '='")
        }
        do {
            guard let node = try YAMLAnchors.compose(text, path: path) else {
                throw SpecIssue(line: nil, key: path, message: "has no value after '='")
            }
            return node
        } catch let error as YamlError {
            var issue = SpecParser.yamlProblem(error, file: "--set")
            issue.key = path
            throw issue
        }
    }
}
