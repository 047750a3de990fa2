import ArgumentParser
import Foundation
import Reports
import Results
import Support

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compare a result file with a baseline: exit 0 pass, 1 regression, 2 input error.",
        discussion: """
            Runs are matched by config hash, else by run id; every metric both runs have is compared.
            Tolerances (relative): --tolerance first, then the baseline's `tolerances` JSON, then
            defaults: exact for FLOPs, counts and strings; 10% for memory; 1% for loss, perplexity
            and other numbers; timing and the thread count ignored (timing: 25% with --timing).
            Only the current runs of each file are compared unless --all (runs of other code or data
            are stale); the report says when either file holds stale runs.
            """)

    @Argument(help: "The result file to check.")
    var results: String

    @Option(help: "The baseline result file (e.g. results/baselines/<experiment>.h5).")
    var baseline: String?

    @Option(name: .customLong("tolerance"), help: "METRIC=RELATIVE, e.g. perplexity=0.02 or 'eval/*/loss=0'; repeatable.")
    var tolerances: [String] = []

    @Flag(help: "Also compare timing metrics (wall and CPU seconds, tokens/s, GFLOP/s).")
    var timing = false

    @Flag(help: "Compare every run, stale ones too; default: the current runs of each file.")
    var all = false

    func run() throws {
        // A missing --baseline is an input error (exit 2), like a missing file.
        guard let baseline else { throw UserError("check: --baseline BASE.h5 is required") }
        let base = Self.comparable(try ResultFile.read(URL(fileURLWithPath: baseline)), baseline, all: all)
        let current = Self.comparable(try ResultFile.read(URL(fileURLWithPath: results)), results, all: all)
        let rules = try Tolerances(commandLine: tolerances, fileJSON: base.header.tolerances ?? current.header.tolerances,
                                   source: baseline, timing: timing)
        let check = RegressionCheck.compare(current: current, baseline: base, tolerances: rules)
        print(check.report(), terminator: "")
        if !check.passed { throw ExitCode(1) }
    }

    /// The runs of `file` that `check` compares, saying on stdout what stale runs it holds.
    static func comparable(_ file: ResultFile, _ path: String, all: Bool) -> ResultFile {
        let stale = file.runs.filter { !$0.staleness(in: file.header).isEmpty }
        guard !stale.isEmpty else { return file }
        let ids = stale.map(\.id).joined(separator: ", ")
        let count = "\(stale.count) stale run\(stale.count == 1 ? "" : "s")"
        if all {
            print("note: \(path) holds \(count) (of other code or data), compared because of --all: \(ids)")
            return file
        }
        print("note: \(path) holds \(count) (of other code or data), left out (--all compares them; "
              + "longlora status says why): \(ids)")
        return ResultFile(header: file.header, runs: file.currentRuns)
    }
}
