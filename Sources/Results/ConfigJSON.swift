import Foundation
import Support

/// A run's resolved configuration, parsed from its JSON attribute, addressed by
/// dotted key paths such as `finetune.attention` (the same paths as the YAML spec).
public struct ConfigJSON {
    public let object: [String: Any]

    /// `label`, when given, replaces the recorded `label` (see `ResultHeader.labels`).
    public init(_ json: String, run: String, label: String? = nil) throws {
        guard let data = json.data(using: .utf8),
              var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw UserError("run '\(run)': config is not a JSON object")
        }
        if let label { object["label"] = label }
        self.object = object
    }

    /// The value at `path`, or nil if any component is missing.
    public func value(at path: String) -> Any? {
        var current: Any = object
        for key in path.split(separator: ".") {
            guard let dictionary = current as? [String: Any], let next = dictionary[String(key)] else { return nil }
            current = next
        }
        return current
    }

    /// The value at `path` as a label (`1024`, `s2`, `true`, a list of scalars as
    /// `256+512`); nil if missing or not a scalar or such a list.
    public func label(at path: String) -> String? {
        guard let value = value(at: path) else { return nil }
        if let array = value as? [Any] {
            let labels = array.compactMap(Label.json)
            return labels.count == array.count ? labels.joined(separator: "+") : nil
        }
        return Label.json(value)
    }

    /// What a table or a legend shows for a key the run does not have: a key the run does
    /// not read (the group size of full attention) is left out of its config.
    public static let notApplicable = "n/a"

    /// Flattened `path -> label` for every scalar, with keys named `seed` removed:
    /// two runs of the same setting differ only in their seeds.
    public var settingWithoutSeed: [String: String] {
        var out: [String: String] = [:]
        func walk(_ value: Any, _ prefix: String) {
            if let dictionary = value as? [String: Any] {
                for (key, child) in dictionary where key != "seed" {
                    walk(child, prefix.isEmpty ? key : "\(prefix).\(key)")
                }
            } else if let array = value as? [Any] {
                // A list of scalars is one setting (`full+s2`, as run ids write it), so
                // lists of unequal lengths never differ by a missing `[1]`.
                let labels = array.compactMap(Label.json)
                if labels.count == array.count { out[prefix] = labels.joined(separator: "+"); return }
                for (i, child) in array.enumerated() { walk(child, "\(prefix)[\(i)]") }
            } else {
                out[prefix] = Label.json(value) ?? ""
            }
        }
        walk(object, "")
        return out
    }

    /// The first key path (sorted) whose value differs between two settings, if any.
    public static func firstDifference(_ a: [String: String], _ b: [String: String]) -> String? {
        Set(a.keys).union(b.keys).sorted().first { a[$0] != b[$0] }
    }
}
