import Foundation
import Support

/// The result file of one experiment, updated one run at a time by the runner.
///
/// Crash safety: every update writes a complete new file under a temporary name and
/// renames it over the old one (`AtomicFile`), so a kill -9 at any moment leaves
/// either the previous file or the new one. Completed runs are never replaced:
/// `record` refuses to overwrite a run whose status is `complete`, and keeps a complete run
/// of another version under a new id beside the one that supersedes it.
/// Writers of the same file, on one machine or several sharing a file system, take turns
/// through its lock file (`<name>.h5.lock`, a `Claim`, not `flock`, which NFS may ignore),
/// and each update re-reads the file first, so nothing recorded by another process is lost.
public final class ResultStore {
    public let url: URL
    /// The file as of the last read or write by this store.
    public private(set) var file: ResultFile

    private init(url: URL, file: ResultFile) {
        self.url = url
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

    /// Ids of the complete runs whose config hash is `configHash` (the resume check).
    public func completedRunIDs(configHash: String) -> [String] {
        file.runs.filter { $0.status == .complete && $0.configHash == configHash }.map(\.id)
    }

    /// Adds `run`, or replaces a running or failed run with the same id. A complete run
    /// with the same id but another content hash (other code, data or config) is kept,
    /// under the id `<id>@<first 12 of its hash>` (`supersededID`), and `run` takes the id.
    /// Throws if the id belongs to a complete run of the same hash: completed runs are
    /// never rewritten.
    public func record(_ run: RunRecord) throws {
        try run.validate()
        try update { file in
            if let index = file.runs.firstIndex(where: { $0.id == run.id }) {
                let old = file.runs[index]
                if old.status != .complete {
                    file.runs[index] = run
                    return
                }
                guard old.configHash != run.configHash else {
                    throw UserError("\(self.url.path): run '\(run.id)' is complete; completed runs are never rewritten")
                }
                file.runs[index].id = Self.supersededID(old, among: file.runs.map(\.id))
            }
            file.runs.append(run)
        }
    }

    /// `<id>@<hash prefix>`, with `-2`, `-3`, ... if that is taken.
    static func supersededID(_ run: RunRecord, among ids: [String]) -> String {
        let base = "\(run.id)@\(run.configHash.prefix(12))"
        var candidate = base
        var n = 1
        while ids.contains(candidate) {
            n += 1
            candidate = "\(base)-\(n)"
        }
        return candidate
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

    /// Records `run` with status `running` (curves and tables may still be empty), so
    /// `status` shows what is in progress and a crash leaves a visible trace.
    public func markRunning(_ run: RunRecord) throws {
        var running = run
        running.status = .running
        running.finished = ""
        try record(running)
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
