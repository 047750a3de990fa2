import Foundation
import Results
import Support
import Testing

/// The `micro` regression sweep (experiments/regression-micro.yaml) against the committed
/// baseline (results/baselines/regression-micro.h5): the current code passes, and the
/// check fails on a perplexity moved by 5% and on a real S2 bug compiled into a test build.
///
/// Serialized: the sweeps and the injected build each take both cores for a while.
@Suite(.serialized) struct RegressionSweepTests {
    static let spec = ReleaseBuild.repository.appendingPathComponent("experiments/regression-micro.yaml")
    static let baseline = ReleaseBuild.repository.appendingPathComponent("results/baselines/regression-micro.h5")

    let root = FileManager.default.temporaryDirectory.appendingPathComponent("regression-\(UUID().uuidString)")

    /// Runs the sweep with `binary` into `root` as scripts/refresh-baseline.sh does (the
    /// corpus built first, in its own process) and returns its result file.
    func sweep(_ binary: URL) throws -> URL {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for arguments in [["data", "build", "--corpus", "pg19-mini", "--data-dir", "data", "--quiet"],
                          ["run", Self.spec.path, "--results-dir", "results", "--data-dir", "data", "--no-plots", "--quiet"]] {
            // Niced: the sweep takes both cores for a few seconds beside the other tests.
            guard let result = Shell.run(["nice", "-n", "19", binary.path] + arguments, in: root) else {
                throw ReleaseBuild.Failure(description: "cannot start \(binary.path)")
            }
            try #require(result.status == 0, "\(arguments[0]): \(String(decoding: result.stderr, as: UTF8.self))")
        }
        return root.appendingPathComponent("results/regression-micro.h5")
    }

    /// The report's rows with verdict REGRESSION, as (run, metric).
    static func regressions(_ report: String) -> [(run: String, metric: String)] {
        report.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            return cells.count == 7 && cells[6] == "REGRESSION" ? (cells[0], cells[1]) : nil
        }
    }

    @Test func theSweepMatchesTheCommittedBaseline() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let results = try sweep(try ReleaseBuild.clean())
        let check = try CLI.run(["check", results.path, "--baseline", Self.baseline.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("PASS: "))
        // Every run of the baseline is complete and was compared: a baseline refreshed from
        // a sweep with a failed run, or an empty comparison, would pass without checking it.
        let baseline = try ResultFile.read(Self.baseline)
        #expect(baseline.runs.count == 6 && baseline.runs.allSatisfy { $0.status == .complete })
        #expect(check.stdout.contains(" in \(baseline.runs.count) runs compared; 0 regression(s)"), "\(check.stdout)")
    }

    @Test func aPerplexityMovedFivePercentFails() throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var file = try ResultFile.read(Self.baseline)
        let index = try #require(file.runs.firstIndex { $0.id == "s2,seed=0" })
        let table = try #require(file.runs[index].eval["pg19-mini-test"])
        guard case .double(var perplexity)? = table["perplexity"] else {
            Issue.record("no perplexity column in the baseline's s2 run")
            return
        }
        perplexity[1] *= 1.05
        file.runs[index].eval["pg19-mini-test"] = Table(table.columns.map {
            ($0.name, $0.name == "perplexity" ? .double(perplexity) : $0.values)
        })
        let moved = root.appendingPathComponent("moved.h5")
        try file.write(moved)

        let check = try CLI.run(["check", moved.path, "--baseline", Self.baseline.path])
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
        #expect(Self.regressions(check.stdout).map { "\($0.run) \($0.metric)" } == ["s2,seed=0 eval/pg19-mini-test/perplexity[1]"],
                "\(check.stdout)")
        #expect(check.stdout.contains("+5%"))
        // The unmodified baseline, written the same way, passes.
        let same = root.appendingPathComponent("same.h5")
        try ResultFile.read(Self.baseline).write(same)
        #expect(try CLI.run(["check", same.path, "--baseline", Self.baseline.path]).status == 0)
    }

    /// S2's shifted heads moved by G/4 instead of G/2 (`LONGLORA_INJECT_S2_QUARTER_SHIFT` in
    /// ShiftedSparseAttention.swift), built in `.build-inject/`: the runs that train or
    /// evaluate with S2 regress (base-pi too: its `train` evaluation is S2), full and short do not.
    @Test func anInjectedS2BugFails() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let binary = try ReleaseBuild.build(path: ".build-inject", defines: ["LONGLORA_INJECT_S2_QUARTER_SHIFT"])
        let results = try sweep(binary)
        let check = try CLI.run(["check", results.path, "--baseline", Self.baseline.path])
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
        let regressions = Self.regressions(check.stdout)
        #expect(regressions.contains { $0.run.hasPrefix("s2,") && $0.metric.hasPrefix("eval/pg19-mini-test/perplexity") },
                "\(check.stdout)")
        #expect(!regressions.contains { $0.run.hasPrefix("full,") || $0.run.hasPrefix("short,") },
                "a run without S2 moved: \(check.stdout)")
    }
}
