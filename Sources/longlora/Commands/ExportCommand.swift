import ArgumentParser
import Foundation
import Reports
import Results
import Support

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every metric of a result file as one tidy table (one row per run and metric).",
        discussion: """
            Only the current runs unless --all (runs of other code or data are stale: `longlora status` says why). \
            Columns: run, status, seed, config_hash, every config key (finetune.attention, ...), \
            metric (eval/<dataset>/<column>, <group>/<name>, curves/<name>), the evaluation row's keys \
            (length, protocol, attention, ...), step (with --curves) and value. \
            In pandas: pd.read_csv("out.csv"), pd.read_parquet("out.parquet") or \
            pd.read_json("out.jsonl", lines=True). Parquet (written by the harness itself, one row group, \
            uncompressed) keeps types: integer columns int64, numbers double, text strings, empty cells null; \
            it goes to --out or to a redirected standard output, never to a terminal.
            """)

    @Argument(help: "A result file (results/<experiment>.h5).")
    var results: String

    @Option(help: "Output format (parquet is binary: use --out or redirect).")
    var format: MetricExport.Format = .csv

    @Option(help: "Output file (default: standard output).")
    var out: String?

    @Flag(help: "Also one row per training step of every curve.")
    var curves = false

    @Flag(help: "Only complete runs.")
    var completeOnly = false

    @Flag(help: "Every run, stale ones too (their reasons in a `stale` column); default: the current runs.")
    var all = false

    func run() throws {
        if out == nil && format.isBinary && isatty(STDOUT_FILENO) == 1 {
            throw UserError("--format \(format.rawValue) writes a binary file: not printed to a terminal",
                            hint: "longlora export \(results) --format \(format.rawValue) --out FILE.\(format.rawValue)")
        }
        let file = try ResultFile.read(URL(fileURLWithPath: results)).forTables(all: all)
        let runs = completeOnly ? file.runs.filter { $0.status == .complete } : file.runs
        let bytes = try MetricExport(runs, config: file.config(of:), curves: curves).render(format)
        if let out {
            try AtomicFile.write(bytes, to: URL(fileURLWithPath: out))
        } else {
            FileHandle.standardOutput.write(bytes)
        }
    }
}
