import ArgumentParser
import Foundation
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
            In pandas: pd.read_csv("out.csv") or pd.read_json("out.jsonl", lines=True).
            Parquet is not written: no Parquet library is available to the harness; \
            pandas converts with df.to_parquet().
            """)

    @Argument(help: "A result file (results/<experiment>.h5).")
    var results: String

    @Option(help: "Output format.")
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
        let file = try ResultFile.read(URL(fileURLWithPath: results)).forTables(all: all)
        let runs = completeOnly ? file.runs.filter { $0.status == .complete } : file.runs
        let text = try MetricExport(runs, curves: curves).render(format)
        if let out {
            try AtomicFile.write(text, to: URL(fileURLWithPath: out))
        } else {
            print(text, terminator: "")
        }
    }
}
