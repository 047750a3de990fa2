import Foundation
import Support

/// The result file of one experiment and its per-run shards, as the runner records runs.
///
/// Each run is recorded in its own shard (`ResultShards`: `<experiment>.d/<run>@<hash>.h5`),
/// written only by the runner holding the run's claim: when the run starts (`markRunning`)
/// and when it ends (`record`). After a run ends, `assemble` rebuilds `<experiment>.h5` from
/// its header, the runs it already held and every shard (`ResultAssembly`), so readers
/// (`status`, `table`, `plot`, `check`, `export`, `eval FILE#RUN`) read one file as before.
///
/// Crash safety: every file is written complete under a temporary name and renamed into
/// place (`AtomicFile`), so a kill -9 at any moment leaves the previous file or the new one.
/// Completed runs are never replaced: a complete shard is never rewritten, and assembly keeps
/// a complete run of another version under a new id beside the one that supersedes it.
/// Updates of the experiment file (assembly, header) take turns through its lock file
/// (`<name>.h5.lock`, a `Claim`, not `flock`, which NFS may ignore), and each re-reads the
/// file first, so nothing recorded by another process is lost.
public final class ResultStore {
    public let url: URL
    public let shards: ResultShards
    /// The file as of the last read or write by this store.
    public private(set) var file: ResultFile

    private init(url: URL, file: ResultFile) {
        self.url = url
        self.shards = ResultShards(of: url)
        self.file = file
    }

    /// Opens the result file of `header.experiment`, creating it if missing. An existing
    /// file keeps its runs and creation time; its spec, layout, paper numbers and
    /// tolerances are updated to `header`'s if they changed.
    public static func open(_ url: URL, header: ResultHeader) throws -> ResultStore {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return try withFileLock(url) {
            removeOrphans(of: url)
            guard FileManager.default.fileExists(atPath: url.path) else {
                let file = ResultFile(header: header)
                try file.write(url)
                return ResultStore(url: url, file: file)
            }
            var file = try ResultFile.read(url)
            guard file.header.experiment == header.experiment else {
                throw UserError("\(url.path) holds experiment '\(file.header.experiment)', not '\(header.experiment)'")
            }
            var updated = header
            updated.created = file.header.created
            // What is current is the runs' business (`setCurrent`), not the spec's.
            updated.currentCode = file.header.currentCode
            updated.currentData = file.header.currentData
            if updated != file.header {
                file.header = updated
                try file.write(url)
            }
            return ResultStore(url: url, file: file)
        }
    }

    /// Opens an existing result file.
    public static func open(_ url: URL) throws -> ResultStore {
        ResultStore(url: url, file: try ResultFile.read(url))
    }

    public var runs: [RunRecord] { file.runs }

    /// Whether a complete run of content hash `configHash` is in the file or in a shard
    /// not yet assembled (the resume check; another process may have completed it meanwhile).
    public func isComplete(configHash: String) -> Bool {
        try? reload()
        if file.runs.contains(where: { $0.status == .complete && $0.configHash == configHash }) { return true }
        return shards.scan(experiment: file.header.experiment, hash: configHash).runs
            .contains { $0.status == .complete && $0.configHash == configHash }
    }

    /// Records the ended run (complete or failed) in its shard, then assembles the file.
    /// Throws if the run is complete already (in the file or its shard): completed runs are
    /// never rewritten.
    public func record(_ run: RunRecord) throws {
        try writeShard(run)
        try assemble()
    }

    /// Records `run` with status `running` (curves and tables may still be empty) in its
    /// shard, so `status` shows what is in progress and a crash leaves a visible trace. The
    /// file is not assembled for it: that waits for the end of a run.
    public func markRunning(_ run: RunRecord) throws {
        var running = run
        running.status = .running
        running.finished = ""
        try writeShard(running)
    }

    private func writeShard(_ run: RunRecord) throws {
        try reload()
        if file.runs.contains(where: { $0.status == .complete && ResultAssembly.isSameRun($0, run) }) {
            throw UserError("\(url.path): run '\(run.id)' is complete; completed runs are never rewritten")
        }
        try shards.write(run, experiment: file.header.experiment)
    }

    /// Rebuilds the file from its header, its runs and every shard (`ResultAssembly`), under
    /// its lock, writing it only if a run changed. A shard that is corrupted or not of this
    /// experiment stops the assembly with an error naming it: its run is never dropped in silence.
    public func assemble() throws {
        try Self.withFileLock(url) {
            shards.removeOrphans()
            var current = try ResultFile.read(url)
            let scan = shards.scan(experiment: current.header.experiment)
            if var problem = scan.problems.first {
                if scan.problems.count > 1 { problem.message += " (and \(scan.problems.count - 1) more bad shard(s))" }
                throw problem
            }
            let runs = ResultAssembly.runs(previous: current.runs, shards: scan.runs)
            if runs != current.runs {
                current.runs = runs
                try current.write(url)
            }
            file = current
        }
    }

    /// Makes `code` the file's current code fingerprint and `data` (corpus -> manifest
    /// hash) its current data for those corpora: runs of other versions become stale.
    /// Writes only if something changed.
    public func setCurrent(code: String, data: [String: String]) throws {
        if file.header.currentCode == code, data.allSatisfy({ file.header.currentData[$0.key] == $0.value }) { return }
        try update { file in
            file.header.currentCode = code
            file.header.currentData.merge(data) { _, new in new }
        }
    }

    /// Re-reads the file from disk (e.g. after another process recorded runs).
    public func reload() throws {
        file = try ResultFile.read(url)
    }

    private func update(_ change: (inout ResultFile) throws -> Void) throws {
        try Self.withFileLock(url) {
            var current = try ResultFile.read(url)
            try change(&current)
            try current.write(url)
            file = current
        }
    }

    /// Holds the file's lock (`<name>.h5.lock`, a `Claim`) while `body` runs: writers on
    /// this machine or on others sharing the file system take turns. A lock left by a
    /// killed writer is taken over (see `Claim`).
    private static func withFileLock<T>(_ url: URL, _ body: () throws -> T) throws -> T {
        let lock = url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + ".lock")
        return try Claim.withClaim(lock, note: { FileHandle.standardError.write(Data("\($0)\n".utf8)) }, body)
    }

    /// Deletes temporary files left by writers of `url` that were killed mid-write
    /// (`AtomicFile` names them `.<name>.<pid>.<random>.tmp`; the pid must be dead).
    static func removeOrphans(of url: URL) {
        let directory = url.deletingLastPathComponent()
        let prefix = ".\(url.lastPathComponent)."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let parts = name.dropFirst(prefix.count).split(separator: ".")
            guard parts.count == 3, let pid = pid_t(parts[0]) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
            }
        }
    }
}
