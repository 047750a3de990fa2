import Foundation
import Kernels
import Results
import Support

/// Records runs into the experiment's result file (`ResultStore`: atomic, locked updates),
/// with the BLAS build and thread count beside the provenance.
public final class ResultFileRecorder: RunRecorder {
    public let store: ResultStore
    public let threads: Int

    public init(store: ResultStore, threads: Int) {
        self.store = store
        self.threads = threads
    }

    public func isComplete(hash: String) -> Bool {
        try? store.reload()  // another process may have completed it meanwhile
        return !store.completedRunIDs(configHash: hash).isEmpty
    }

    public func setCurrent(_ version: CodeVersion) throws {
        try store.setCurrent(code: version.code, data: version.dataManifests)
    }

    /// Records the run as started. A complete run of the same id but another content hash
    /// (other code, data or config) stays in the file under `<id>@<hash prefix>`.
    public func markRunning(_ report: RunReport) throws {
        try store.markRunning(Self.record(report, threads: threads))
    }

    public func record(_ report: RunReport) throws { try store.record(Self.record(report, threads: threads)) }

    /// The result file's form of a run report. Evaluation columns whose values are all
    /// whole numbers and named as counts (length, tokens, windows) are stored as int64.
    public static func record(_ report: RunReport, threads: Int) -> RunRecord {
        let status: RunStatus = switch report.status {
        case .running: .running
        case .complete: .complete
        case .failed: .failed
        }
        var eval: [String: Table] = [:]
        for table in report.evaluations {
            var out = Table()
            for (name, values) in table.numbers {
                let counts: Set<String> = ["length", "tokens", "windows", "trials"]
                if counts.contains(name), values.allSatisfy({ $0 == $0.rounded() && abs($0) < 9e15 }) {
                    out.append(name, .int(values.map { Int64($0) }))
                } else {
                    out.append(name, .double(values))
                }
            }
            for (name, values) in table.texts { out.append(name, .string(values)) }
            eval[table.dataset] = out
        }
        return RunRecord(
            id: report.id, config: report.config, configHash: report.hash, seed: Int64(report.seed),
            codeFingerprint: report.version.code, dataManifests: report.version.dataManifests,
            checkpoint: report.checkpoint, status: status, error: report.error, provenance: report.provenance,
            started: RunRecord.timestamp(report.started), finished: report.finished.map { RunRecord.timestamp($0) } ?? "",
            attributes: ["blas": .string(BLAS.configuration), "threads": .int(Int64(threads))],
            curves: report.curves, eval: eval,
            metrics: report.metrics.filter { !$0.value.isEmpty }.mapValues { $0.mapValues { Value.double($0) } })
    }
}
