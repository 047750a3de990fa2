import Foundation

/// A spec value after type checking: what sweeps combine, what the canonical JSON
/// serialises and therefore what a run's content hash sees.
///
/// Integers and reals stay distinct (`group: 256` is a token count, `group: 0.25` a
/// ratio), but a real-valued key given `1` is stored as `1.0`, so spelling does not
/// change a hash.
public indirect enum SpecValue: Hashable, Sendable {
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([SpecValue])
    /// Entries in source order; the canonical JSON sorts them by key.
    case map([Entry])

    public struct Entry: Hashable, Sendable {
        public var key: String
        public var value: SpecValue
        public init(_ key: String, _ value: SpecValue) {
            self.key = key
            self.value = value
        }
    }

    public var intValue: Int? { if case .int(let v) = self { v } else { nil } }
    public var doubleValue: Double? {
        switch self {
        case .double(let v): v
        case .int(let v): Double(v)
        default: nil
        }
    }
    public var stringValue: String? { if case .string(let v) = self { v } else { nil } }
    public var boolValue: Bool? { if case .bool(let v) = self { v } else { nil } }
    public var listValue: [SpecValue]? { if case .list(let v) = self { v } else { nil } }
    public var mapValue: [Entry]? { if case .map(let v) = self { v } else { nil } }

    /// Canonical JSON: keys sorted, no spaces, reals in Swift's shortest round-trip form
    /// (always with a `.` or an exponent so they never read back as integers).
    public var canonicalJSON: String {
        switch self {
        case .bool(let v): return v ? "true" : "false"
        case .int(let v): return String(v)
        case .double(let v): return Self.realText(v)
        case .string(let v): return Self.jsonString(v)
        case .list(let items): return "[" + items.map(\.canonicalJSON).joined(separator: ",") + "]"
        case .map(let entries):
            let body = entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .map { Self.jsonString($0.key) + ":" + $0.value.canonicalJSON }
            return "{" + body.joined(separator: ",") + "}"
        }
    }

    /// Short form for messages and run ids: `s2`, `0.25`, `256+512`.
    public var display: String {
        switch self {
        case .bool(let v): return v ? "true" : "false"
        case .int(let v): return String(v)
        case .double(let v): return Self.realText(v)
        case .string(let v): return v
        case .list(let items): return items.map(\.display).joined(separator: "+")
        case .map(let entries): return entries.map { "\($0.key):\($0.value.display)" }.joined(separator: ";")
        }
    }

    /// `display` as a part of a run's name, which may not hold '/': a path (a given
    /// `base.checkpoint`) is named by its last component.
    public var nameText: String {
        let text = display
        guard text.contains("/") else { return text }
        return text.split(separator: "/").last.map(String.init) ?? text.replacingOccurrences(of: "/", with: "_")
    }

    static func realText(_ v: Double) -> String {
        let text = "\(v)"
        return text.contains(".") || text.contains("e") || text.contains("n") ? text : text + ".0"
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
