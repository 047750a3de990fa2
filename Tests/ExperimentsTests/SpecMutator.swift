import Kernels

/// Seeded mutations of a spec's text, as a careless or hostile edit would make them:
/// extreme numbers, wrong types, deleted, repeated or swapped lines, control characters,
/// anchors and aliases, truncation. The same seed gives the same cases.
struct SpecMutator {
    var rng: SplitMix64

    static let values = [
        "0", "-1", "1", "2", "7", "1e-320", "3.5", "-0.0", "1e308", "-1e308", ".nan", ".inf", "-.inf",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "576460752303423488",
        "1152921504606846976", "4294967296", "65536", "0x7fffffffffffffff", "\"8\"", "'auto'", "auto", "~", "null",
        "true", "[]", "{}", "[1, 2, 1]", "[9223372036854775807]", "&a 5", "*a", "!!binary aGk=", "full", "s2",
        "grid", "\"\"", "x: y", "- z",
    ]
    static let noise = ["\u{0}", "\u{7}", "\t", "\u{1b}[2J", "\u{feff}", "\u{2028}", "\r", ":", "- ", "  ", "&x ", "*x", "{", "]", "#", "%YAML 1.1\n"]

    mutating func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
    mutating func index(_ count: Int) -> Int { Int(rng.next() % UInt64(max(count, 1))) }

    /// One to three mutations of `text`.
    mutating func mutate(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0...index(3) {
            let i = index(lines.count)
            switch index(9) {
            case 0, 1, 2:  // a value replaced: the text after the line's first ':'
                if let colon = lines[i].firstIndex(of: ":") {
                    lines[i] = lines[i][...colon] + " " + pick(Self.values)
                } else {
                    lines[i] += " " + pick(Self.values)
                }
            case 3: lines.remove(at: i)
            case 4: lines.insert(lines[i], at: i)
            case 5: lines.swapAt(i, index(lines.count))
            case 6:  // a character inserted
                var scalars = Array(lines[i].unicodeScalars)
                scalars.insert(contentsOf: pick(Self.noise).unicodeScalars, at: index(scalars.count + 1))
                lines[i] = String(String.UnicodeScalarView(scalars))
            case 7:  // cut short
                let kept = lines.prefix(i + 1).joined(separator: "\n")
                return String(kept.prefix(index(kept.count + 1)))
            default:  // an anchored block and a line of aliases to it
                lines.insert("      - &m [1, 2, 3, 4, 5, 6, 7, 8]", at: i)
                lines.insert("      - [*m, *m, *m, *m, *m, *m, *m, *m]", at: i + 1)
            }
            if lines.isEmpty { return "" }
        }
        return lines.joined(separator: "\n")
    }

    /// A `--set key=value` argument with a value from the extremes, on a real key or a near miss.
    mutating func override(keys: [String]) -> String {
        var key = pick(keys)
        switch index(16) {
        case 0: key += pick(["x", ".", "[0]", ".."])
        case 1: key = pick(["grid.", "zip.", "variants.", ".", "", "grid.\(key)", "variants.v.\(key)"])
        default: break
        }
        return "\(key)=\(pick(Self.values))"
    }
}
