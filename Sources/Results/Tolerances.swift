import Foundation
import Support

/// Relative tolerances of `longlora check`, per metric path (`eval/pg19-mini/perplexity`,
/// `curves/loss`, `resources/peak_rss_bytes`). A rule's pattern is a full path, a
/// glob with `*` (`eval/*/loss`), or a bare name that matches the last component
/// (`perplexity`). Rules given on the command line win over the file's `tolerances`
/// JSON (`{"perplexity": 0.02}`), which wins over the defaults:
///
/// - timing (wall/cpu seconds, tokens_per_s, gflops, peak_fraction): ignored, or 25% with `--timing`
/// - `threads`: ignored (a setting of the run recorded beside its timings, not a result)
/// - analytic FLOPs, counts (step, tokens, windows, length) and strings: exact
/// - memory (rss, bytes, memory): 10%, also when stored as an integer
/// - other integers: exact
/// - loss, perplexity and every other number: 1%
public struct Tolerances: Sendable {
    public struct Rule: Equatable, Sendable {
        public var pattern: String
        public var relative: Double
    }

    public var rules: [Rule]
    public var timing: Bool

    public init(rules: [Rule] = [], timing: Bool = false) {
        self.rules = rules
        self.timing = timing
    }

    /// Command-line rules first, then the file's.
    public init(commandLine: [String], fileJSON: String?, source: String, timing: Bool) throws {
        var rules: [Rule] = []
        for text in commandLine {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let x = Double(parts[1]), x >= 0 else {
                throw UserError("--tolerance '\(text)': expected METRIC=RELATIVE, e.g. perplexity=0.02")
            }
            rules.append(Rule(pattern: parts[0], relative: x))
        }
        if let fileJSON {
            guard let object = try? JSONSerialization.jsonObject(with: Data(fileJSON.utf8)) as? [String: Any] else {
                throw UserError("\(source): tolerances attribute is not a JSON object of metric -> relative tolerance")
            }
            for (pattern, value) in object.sorted(by: { $0.key < $1.key }) {
                guard let x = (value as? NSNumber)?.doubleValue, x >= 0 else {
                    throw UserError("\(source): tolerance '\(pattern)' must be a non-negative number")
                }
                rules.append(Rule(pattern: pattern, relative: x))
            }
        }
        self.init(rules: rules, timing: timing)
    }

    /// The relative tolerance for `metric`, or nil if it is not compared.
    public func relative(for metric: String, integer: Bool) -> Double? {
        if let rule = rules.first(where: { Self.matches($0.pattern, metric) }) { return rule.relative }
        let name = (metric.split(separator: "/").last.map(String.init) ?? metric).lowercased()
        let has = { (words: [String]) in words.contains { name.contains($0) } }
        // A sweep run on another thread count is still comparable: its numbers are checked one by one.
        if name == "threads" { return nil }
        if has(["wall", "cpu_s", "seconds", "tokens_per_s", "gflops", "peak_fraction", "elapsed"]) || name.hasSuffix("_s") {
            return timing ? 0.25 : nil
        }
        if has(["flops", "step", "tokens", "windows", "length", "count"]) { return 0 }
        // Measured memory is stored as an integer count of bytes but varies between runs.
        if has(["rss", "bytes", "memory"]) { return 0.10 }
        return integer ? 0 : 0.01
    }

    static func matches(_ pattern: String, _ metric: String) -> Bool {
        if !pattern.contains("/") && !pattern.contains("*") {
            return metric.split(separator: "/").last.map(String.init) == pattern
        }
        return glob(Array(pattern), Array(metric))
    }

    /// `*` matches any run of characters, including `/`.
    private static func glob(_ p: [Character], _ s: [Character]) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        if first == "*" {
            return (0...s.count).contains { glob(Array(p.dropFirst()), Array(s.dropFirst($0))) }
        }
        return s.first == first && glob(Array(p.dropFirst()), Array(s.dropFirst()))
    }
}
