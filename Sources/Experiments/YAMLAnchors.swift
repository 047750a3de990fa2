import Yams

/// Anchors and aliases (`&base` ... `*base`) are refused everywhere in a spec and in `--set`.
///
/// Yams resolves an alias to the anchored node, so a spec is a graph that a walk expands:
/// nine nested aliases of nine items each are 9^9 nodes (an alias bomb). The walk here stops
/// at the first anchored node in document order, which is always the anchor itself (an alias
/// can only follow it), so it visits nothing twice and ends at once.
enum YAMLAnchors {
    /// `Yams.compose`, refusing any anchor. Yams holds a node's anchor weakly, owned by the
    /// parser, so the walk must run while the parser is alive.
    static func compose(_ text: String, path: String) throws -> Node? {
        let parser = try Parser(yaml: text)
        guard let root = try parser.singleRoot() else { return nil }
        try withExtendedLifetime(parser) { try refuse(in: root, path: path) }
        return root
    }

    static func refuse(in node: Node, path: String) throws(SpecIssue) {
        if let anchor = node.anchor {
            throw SpecIssue(line: node.mark?.line, key: path,
                            message: "YAML anchors and aliases (&\(anchor.rawValue), *\(anchor.rawValue)) are not supported: write the value out")
        }
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                try refuse(in: key, path: path)
                let name = key.scalar?.string ?? "?"
                try refuse(in: value, path: path.isEmpty ? name : "\(path).\(name)")
            }
        case .sequence(let sequence):
            for (index, element) in sequence.enumerated() { try refuse(in: element, path: "\(path)[\(index)]") }
        case .scalar, .alias:
            break
        }
    }
}
