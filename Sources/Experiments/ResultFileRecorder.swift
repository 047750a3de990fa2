import Foundation
import Kernels
import Results
import Support

/// Records runs into the experiment's result shards and assembles its result file
/// (`ResultStore`), with the BLAS build and thread count beside the provenance.
public final class ResultFileRecorder: RunRecorder {
    public let store: ResultStore
    public let threads: Int

    public init(store: ResultStore, threads: Int) {
        self.store = store
        self.threads = threads
    }

    public func isComplete(hash: String) -> Bool {
        store.isComplete(configHash: hash)
    }

    public func setCurrent(_ version: CodeVersion) throws {
        try store.setCurrent(code: version.code, data: version.dataManifests)
    }

    /// Records the run as started. A complete run of the same id but another content hash
    /// (other code, data or config) stays in the file under `<id>@<hash prefix>`.
    public func markRunning(_ record: RunRecord) throws {
        try store.markRunning(withExecution(record))
    }

    public func record(_ record: RunRecord) throws { try store.record(withExecution(record)) }

    /// The run with what executed it: the BLAS build and the thread count actually used.
    func withExecution(_ record: RunRecord) -> RunRecord {
        var record = record
        record.attributes["blas"] = .string(BLAS.configuration)
        record.attributes["threads"] = .int(Int64(threads))
        return record
    }
}
