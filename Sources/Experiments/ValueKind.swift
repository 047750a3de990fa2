import Foundation
import Yams

/// The type of a spec key: checks a YAML node and normalises it to a `SpecValue`.
///
/// Every failure says what was expected and what was found, at the line of the
/// offending node (which, inside lists and maps, is the line of the element).
public indirect enum ValueKind: Sendable {
    case bool
    /// An integer in `min...max` (either bound optional).
    case int(min: Int?, max: Int?)
    /// A finite real; `above` is an exclusive lower bound, `min`/`max` inclusive.
    case real(min: Double?, above: Double?, max: Double?)
    /// Free text.
    case text
    /// A name made of letters, digits, `.`, `_` and `-` (used in file and HDF5 group names).
    case name
    /// One of a fixed set of words.
    case choice([String])
    /// A list of elements of one kind, with at least `minCount` elements, optionally without repeats.
    case list(ValueKind, minCount: Int, unique: Bool)
    /// A mapping from keys of one kind to values of another (keys are stored as text).
    case map(key: ValueKind, value: ValueKind)
    /// The first alternative that accepts the node wins (e.g. `auto` or a real >= 1).
    case either([ValueKind])
    /// Any YAML value, kept as typed by YAML (for structures another module checks, e.g. a layout).
    case anyValue(String)

    public static let positiveInt = ValueKind.int(min: 1, max: nil)
    public static let count = ValueKind.int(min: 0, max: nil)
    public static let auto = ValueKind.choice(["auto"])

    /// What this kind accepts, in words; used in messages and in the reference page.
    public var describe: String {
        switch self {
        case .bool: return "true or false"
        case let .int(min, max):
            switch (min, max) {
            case let (lo?, hi?): return "an integer in \(lo)...\(hi)"
            case let (lo?, nil): return lo == 0 ? "an integer >= 0" : "an integer >= \(lo)"
            case let (nil, hi?): return "an integer <= \(hi)"
            case (nil, nil): return "an integer"
            }
        case let .real(min, above, max):
            var bounds: [String] = []
            if let min { bounds.append(">= \(SpecValue.realText(min))") }
            if let above { bounds.append("> \(SpecValue.realText(above))") }
            if let max { bounds.append("<= \(SpecValue.realText(max))") }
            return bounds.isEmpty ? "a number" : "a number " + bounds.joined(separator: " and ")
        case .text: return "text"
        case .name: return "a name of letters, digits, '.', '_' or '-'"
        case let .choice(words):
            return words.count == 1 ? "'\(words[0])'" : "one of " + words.joined(separator: ", ")
        case let .list(element, minCount, unique):
            let size = minCount > 0 ? "a non-empty list" : "a list"
            return "\(size)\(unique ? ", without repeats," : "") each \(element.describe)"
        case let .map(key, value): return "a mapping from \(key.describe) to \(value.describe)"
        case let .either(kinds): return kinds.map(\.describe).joined(separator: ", or ")
        case let .anyValue(what): return what
        }
    }

    /// Checks `node` (found at key `path`) and returns its normalised value.
    public func check(_ node: Node, path: String) throws(SpecIssue) -> SpecValue {
        func fail(_ at: Node? = nil) -> SpecIssue {
            SpecIssue(line: (at ?? node).mark?.line, key: path,
                      message: "expected \(describe), got \(Self.describeNode(at ?? node))")
        }
        switch self {
        case .bool:
            guard Self.plainScalar(node) != nil, Self.tag(node) == .bool, let v = node.bool else { throw fail() }
            return .bool(v)
        case let .int(min, max):
            guard Self.plainScalar(node) != nil, Self.tag(node) == .int, let v = node.int else { throw fail() }
            if let min, v < min { throw fail() }
            if let max, v > max { throw fail() }
            return .int(v)
        case let .real(min, above, max):
            guard Self.plainScalar(node) != nil, Self.tag(node) == .int || Self.tag(node) == .float,
                  let v = node.float, v.isFinite else { throw fail() }
            if let min, v < min { throw fail() }
            if let above, v <= above { throw fail() }
            if let max, v > max { throw fail() }
            return .double(v)
        case .text:
            guard let scalar = node.scalar else { throw fail() }
            return .string(scalar.string)
        case .name:
            guard let scalar = node.scalar, Self.tag(node) == .str || Self.isQuoted(scalar),
                  Self.isName(scalar.string) else { throw fail() }
            return .string(scalar.string)
        case let .choice(words):
            guard let scalar = node.scalar, words.contains(scalar.string) else {
                if let scalar = node.scalar, let near = Suggestion.nearest(to: scalar.string, among: words) {
                    var issue = fail()
                    issue.message += " (did you mean '\(near)'?)"
                    throw issue
                }
                throw fail()
            }
            return .string(scalar.string)
        case let .list(element, minCount, unique):
            guard case .sequence(let sequence) = node else { throw fail() }
            guard sequence.count >= minCount else { throw fail() }
            var items: [SpecValue] = []
            for (index, child) in sequence.enumerated() {
                let value = try element.check(child, path: "\(path)[\(index)]")
                if unique, items.contains(value) {
                    throw SpecIssue(line: child.mark?.line, key: path, message: "'\(value.display)' appears twice")
                }
                items.append(value)
            }
            return .list(items)
        case let .map(keyKind, valueKind):
            guard case .mapping(let mapping) = node else { throw fail() }
            var entries: [SpecValue.Entry] = []
            for (keyNode, valueNode) in mapping {
                let key = try keyKind.check(keyNode, path: path).display
                entries.append(.init(key, try valueKind.check(valueNode, path: "\(path).\(key)")))
            }
            return .map(entries)
        case let .either(kinds):
            for kind in kinds {
                if let value = try? kind.check(node, path: path) { return value }
            }
            throw fail()
        case .anyValue:
            return try Self.untyped(node, path: path)
        }
    }

    /// A YAML value as YAML typed it; null is refused (it is almost always a forgotten value).
    static func untyped(_ node: Node, path: String) throws(SpecIssue) -> SpecValue {
        switch node {
        case .mapping(let mapping):
            var entries: [SpecValue.Entry] = []
            for (k, v) in mapping {
                let key = k.scalar?.string ?? ""
                entries.append(.init(key, try untyped(v, path: "\(path).\(key)")))
            }
            return .map(entries)
        case .sequence(let sequence):
            var items: [SpecValue] = []
            for (i, element) in sequence.enumerated() { items.append(try untyped(element, path: "\(path)[\(i)]")) }
            return .list(items)
        case .alias:
            throw SpecIssue(line: node.mark?.line, key: path, message: "aliases are not supported here")
        case .scalar(let scalar):
            if isQuoted(scalar) { return .string(scalar.string) }
            switch tag(node) {
            case .int: if let v = node.int { return .int(v) }
            case .float: if let v = node.float, v.isFinite { return .double(v) }
            case .bool: if let v = node.bool { return .bool(v) }
            case .null: throw SpecIssue(line: node.mark?.line, key: path, message: "has no value")
            default: break
            }
            return .string(scalar.string)
        }
    }

    /// A scalar that YAML typed by its spelling (not quoted): `"8"` is text, `8` an integer.
    static func plainScalar(_ node: Node) -> Node.Scalar? {
        guard let scalar = node.scalar, !isQuoted(scalar) else { return nil }
        return scalar
    }

    /// The tag YAML resolved for `node` (`!!int` for `8`, `!!str` for `"8"`).
    static func tag(_ node: Node) -> Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

    static func isQuoted(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .singleQuoted || scalar.style == .doubleQuoted
    }

    static func isName(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0)
        }
    }

    /// `'abc' (text)`, `12 (an integer)`, `a list`, `a mapping`: the "got" half of a message.
    static func describeNode(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if isQuoted(scalar) { return "'\(scalar.string)' (quoted text)" }
            switch Self.tag(node) {
            case .int: return "\(scalar.string) (an integer)"
            case .float: return "\(scalar.string) (a number)"
            case .bool: return "\(scalar.string) (a boolean)"
            case .null: return scalar.string.isEmpty ? "nothing" : "\(scalar.string) (null)"
            default: return "'\(scalar.string)'"
            }
        }
    }
}
