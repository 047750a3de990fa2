import Foundation
import Results
import Support
import Testing
@testable import Reports

@Suite struct RegressionCheckTests {
    static let baseline = Fixtures.file(TableTests.runs())

    static func moved(_ change: (inout RunRecord) -> Void) -> ResultFile {
        var file = baseline
        change(&file.runs[1])
        return file
    }

    static func scalePerplexity(_ factor: Double) -> ResultFile {
        moved { run in
            var table = run.eval["pg19-mini"]!
            guard case .double(var xs) = table["perplexity"]! else { fatalError() }
            xs[1] *= factor
            table = Table(table.columns.map { ($0.name, $0.name == "perplexity" ? .double(xs) : $0.values) })
            run.eval["pg19-mini"] = table
        }
    }

    static func check(_ current: ResultFile, _ rules: [String] = [], timing: Bool = false, fileJSON: String? = nil) throws -> RegressionCheck {
        let tolerances = try Tolerances(commandLine: rules, fileJSON: fileJSON, source: "base.h5", timing: timing)
        return RegressionCheck.compare(current: current, baseline: baseline, tolerances: tolerances)
    }

    /// Counts written as int64 compare equal to the float64 ones of an older baseline.
    @Test func anIntegerEqualsTheSameFloatOfAnOlderFile() {
        var current = Fixtures.run(id: "a"), old = Fixtures.run(id: "a")
        current.metrics["training"] = ["resumed_from_step": .int(0), "steps_run": .int(40)]
        old.metrics["training"] = ["resumed_from_step": .double(0), "steps_run": .double(40)]
        let check = RegressionCheck.compare(current: Fixtures.file([current]), baseline: Fixtures.file([old]), tolerances: Tolerances())
        #expect(!check.report().contains("REGRESSION"), "\(check.report())")
    }

    @Test func identicalFilesPass() throws {
        let result = try Self.check(Self.baseline)
        #expect(result.passed && result.entries.isEmpty)
        #expect(result.runsCompared == 4)
        #expect(result.metricsCompared == 4 * 14)  // 3 curves, 6 eval columns, 3 resources, 2 analytic
    }

    @Test func perplexityMovedFivePercentFails() throws {
        let result = try Self.check(Self.scalePerplexity(1.05))
        #expect(!result.passed)
        let entry = try #require(result.regressions.first)
        #expect(entry.run == "s2-1" && entry.metric == "eval/pg19-mini/perplexity[1]")
        #expect(abs(try #require(entry.change) - 0.05) < 1e-12)
        #expect(result.report().contains("| s2-1 | eval/pg19-mini/perplexity[1] | 24 | 25.2 | +5% | 1% | REGRESSION |"))
    }

    @Test func smallMovesPassAndOverridesApply() throws {
        #expect(try Self.check(Self.scalePerplexity(1.005)).passed)
        #expect(try Self.check(Self.scalePerplexity(1.05), ["perplexity=0.06"]).passed)
        #expect(try Self.check(Self.scalePerplexity(1.05), fileJSON: #"{"eval/*/perplexity": 0.1}"#).passed)
        // The command line wins over the file.
        #expect(try !Self.check(Self.scalePerplexity(1.05), ["perplexity=0.01"], fileJSON: #"{"perplexity": 0.1}"#).passed)
        #expect(throws: UserError.self) { try Self.check(Self.baseline, ["perplexity"]) }
    }

    @Test func defaultsByMetricKind() throws {
        let slower = Self.moved { $0.metrics["resources"]!["wall_s"] = 100 }
        #expect(try Self.check(slower).passed)
        #expect(try Self.check(slower).entries.first?.verdict == .ignored)
        #expect(try !Self.check(slower, timing: true).passed)
        let memory = { (x: Int64) in Self.moved { $0.metrics["resources"]!["peak_rss_bytes"] = .int(x) } }
        // Measured memory is an integer count of bytes that varies between runs: 10%, not exact.
        #expect(try Self.check(memory(123_456_789 + 5_000_000)).passed)
        #expect(try !Self.check(memory(123_456_789 + 20_000_000)).passed)
        #expect(Tolerances().relative(for: "resources/peak_rss_bytes", integer: false) == 0.10)
        #expect(Tolerances().relative(for: "resources/peak_rss_bytes", integer: true) == 0.10)
        #expect(Tolerances().relative(for: "passkey/hits", integer: true) == 0, "other integers are exact")
        #expect(Tolerances().relative(for: "analytic/total_flops", integer: false) == 0)
        #expect(Tolerances().relative(for: "curves/loss", integer: false) == 0.01)
        #expect(Tolerances().relative(for: "resources/tokens_per_s", integer: false) == nil)
        #expect(Tolerances().relative(for: "resources/threads", integer: true) == nil)
        #expect(Tolerances(timing: true).relative(for: "resources/threads", integer: true) == nil)
        let flops = Self.moved { $0.metrics["analytic"]!["total_flops"] = .double(4.5e12 + 1) }
        #expect(try !Self.check(flops).passed)
        let attention = Self.moved { run in
            run.eval["pg19-mini"] = Table(run.eval["pg19-mini"]!.columns.map { ($0.name, $0.name == "attention" ? .string(["s2", "s2", "s2"]) : $0.values) })
        }
        #expect(try !Self.check(attention).passed)
    }

    @Test func missingOrFailedRunsAreRegressions() throws {
        var current = Self.baseline
        current.runs.removeLast()
        #expect(try !Self.check(current).passed)
        current = Self.baseline
        current.runs[0].status = .failed
        #expect(try !Self.check(current).passed)
        // Runs are matched by config hash first, so renamed runs still compare.
        current = Self.baseline
        current.runs[0].id = "renamed"
        #expect(try Self.check(current).passed)
    }
}
