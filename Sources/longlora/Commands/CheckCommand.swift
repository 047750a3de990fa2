import ArgumentParser
import Foundation
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
            """)

    @Argument(help: "The result file to check.")
    var results: String

    @Option(help: "The baseline result file (e.g. results/baselines/<experiment>.h5).")
    var baseline: String?

    @Option(name: .customLong("tolerance"), help: "METRIC=RELATIVE, e.g. perplexity=0.02 or 'eval/*/loss=0'; repeatable.")
    var tolerances: [String] = []

    @Flag(help: "Also compare timing metrics (wall and CPU seconds, tokens/s, GFLOP/s).")
    var timing = false

    func run() throws {
        // A missing --baseline is an input error (exit 2), like a missing file.
        guard let baseline else { throw UserError("check: --baseline BASE.h5 is required") }
        let base = try ResultFile.read(URL(fileURLWithPath: baseline))
        let current = try ResultFile.read(URL(fileURLWithPath: results))
        let rules = try Tolerances(commandLine: tolerances, fileJSON: base.header.tolerances ?? current.header.tolerances,
                                   source: baseline, timing: timing)
        let check = RegressionCheck.compare(current: current, baseline: base, tolerances: rules)
        print(check.report(), terminator: "")
        if !check.passed { throw ExitCode(1) }
    }
}
