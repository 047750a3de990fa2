import Foundation
import Results
import Support

/// `longlora check`: compares every metric two result files share, run by run.
public struct RegressionCheck: Sendable {
    public enum Verdict: String, Sendable { case ok, regression = "REGRESSION", ignored }

    /// One metric that moved (or could not be compared).
    public struct Entry: Sendable {
        public var run: String
        public var metric: String
        public var baseline: String
        public var current: String
        /// Signed relative change (current - baseline) / |baseline| of the element that moved most, over the metric's elements (nil for strings or structure).
        public var change: Double?
        public var tolerance: Double?
        public var verdict: Verdict
    }

    /// Metrics whose value changed at all, plus structural problems (missing runs).
    public var entries: [Entry] = []
    public var runsCompared = 0
    public var metricsCompared = 0
    /// Metrics present in only one of the files (not compared).
    public var unshared = 0

    public var regressions: [Entry] { entries.filter { $0.verdict == .regression } }
    public var passed: Bool { regressions.isEmpty }

    /// Matches each complete baseline run to a current run by config hash, else by id.
    public static func compare(current: ResultFile, baseline: ResultFile, tolerances: Tolerances) -> RegressionCheck {
        var check = RegressionCheck()
        for base in baseline.runs where base.status == .complete {
            let match = current.runs.first { $0.configHash == base.configHash && $0.status == .complete }
                ?? current.runs.first { $0.id == base.id }
            guard let run = match, run.status == .complete else {
                check.entries.append(Entry(run: base.id, metric: "(run)", baseline: "complete",
                                           current: match.map { $0.status.rawValue } ?? "missing",
                                           change: nil, tolerance: nil, verdict: .regression))
                continue
            }
            check.runsCompared += 1
            check.compareRun(run, base, tolerances)
        }
        return check
    }

    private mutating func compareRun(_ run: RunRecord, _ base: RunRecord, _ tolerances: Tolerances) {
        var current: [String: Column] = [:], old: [String: Column] = [:]
        for (r, into) in [(run, 0), (base, 1)] {
            var metrics: [String: Column] = [:]
            for (name, xs) in r.curves { metrics["curves/\(name)"] = .double(xs) }
            for (dataset, table) in r.eval {
                for column in table.columns { metrics["eval/\(dataset)/\(column.name)"] = column.values }
            }
            for (group, values) in r.metrics {
                for (name, value) in values {
                    switch value {
                    case .double(let x): metrics["\(group)/\(name)"] = .double([x])
                    case .int(let x): metrics["\(group)/\(name)"] = .int([x])
                    case .string(let s): metrics["\(group)/\(name)"] = .string([s])
                    }
                }
            }
            if into == 0 { current = metrics } else { old = metrics }
        }
        unshared += Set(current.keys).symmetricDifference(old.keys).count
        for metric in Set(current.keys).intersection(old.keys).sorted() {
            metricsCompared += 1
            compareMetric(run: base.id, metric, current[metric]!, old[metric]!, tolerances)
        }
    }

    private mutating func compareMetric(run: String, _ metric: String, _ a: Column, _ b: Column, _ tolerances: Tolerances) {
        if a == b { return }
        let isInteger: Bool
        if case .int = b { isInteger = true } else { isInteger = false }
        let tolerance = tolerances.relative(for: metric, integer: isInteger)
        func entry(_ baseline: String, _ current: String, _ change: Double?, _ verdict: Verdict) {
            entries.append(Entry(run: run, metric: metric, baseline: baseline, current: current,
                                 change: change, tolerance: tolerance, verdict: tolerance == nil ? .ignored : verdict))
        }
        guard a.count == b.count else {
            entry("\(b.count) values", "\(a.count) values", nil, .regression)
            return
        }
        // Largest relative change, and where it happens, over the metric's elements.
        var worst: (change: Double, index: Int)? = nil
        for i in 0..<a.count {
            let (x, y) = (a[i], b[i])
            // An int64 count against a float64 one of an older file: equal numbers are equal.
            if x == y || (x.number != nil && x.number == y.number) { continue }
            guard let u = x.number, let v = y.number else {
                entry(y.description, x.description, nil, .regression)
                return
            }
            if u.isNaN && v.isNaN { continue }
            // Signed relative change; NaN (a metric that became NaN) always counts as worst.
            let change = v == 0 ? (u > 0 ? .infinity : -.infinity) : (u - v) / abs(v)
            if worst == nil || change.isNaN || abs(change) > abs(worst!.change) { worst = (change, i) }
        }
        guard let (change, index) = worst else { return }
        let suffix = a.count > 1 ? "[\(index)]" : ""
        let within = tolerance.map { abs(change) <= $0 } ?? true
        entries.append(Entry(run: run, metric: metric + suffix, baseline: Self.show(b[index]),
                             current: Self.show(a[index]), change: change, tolerance: tolerance,
                             verdict: tolerance == nil ? .ignored : (within ? .ok : .regression)))
    }

    /// Six significant digits: enough to see a move, short enough for a table.
    static func show(_ value: Value) -> String {
        if case .double(let x) = value { return String(format: "%.6g", x) }
        return value.description
    }

    /// A Markdown table of what moved and a one-line verdict.
    public func report() -> String {
        var out = ""
        if !entries.isEmpty {
            let ordered = entries.sorted { ($0.verdict == .regression ? 0 : 1, $0.run, $0.metric) < ($1.verdict == .regression ? 0 : 1, $1.run, $1.metric) }
            let table = TextTable(
                header: ["run", "metric", "baseline", "current", "change", "tolerance", "verdict"],
                rows: ordered.map { e in
                    let change = e.change.map { String(format: "%+.3g%%", 100 * $0) } ?? "–"
                    let tolerance = e.tolerance.map { $0 == 0 ? "exact" : String(format: "%.3g%%", 100 * $0) } ?? "ignored"
                    return [e.run, e.metric, e.baseline, e.current, change, tolerance, e.verdict.rawValue]
                },
                alignments: [.left, .left, .right, .right, .right, .right, .left])
            out = table.render(.md) + "\n"
        }
        let moved = entries.filter { $0.verdict == .ok }.count
        return out + "\(passed ? "PASS" : "FAIL"): \(metricsCompared) metrics in \(runsCompared) runs compared; "
            + "\(regressions.count) regression(s), \(moved) moved within tolerance, "
            + "\(entries.filter { $0.verdict == .ignored }.count) ignored changes, \(unshared) not shared\n"
    }
}
