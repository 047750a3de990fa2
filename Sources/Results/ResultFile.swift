import Foundation
import Support

/// What the root group of a result file says about the whole experiment.
public struct ResultHeader: Equatable, Sendable {
    /// Version of docs/results-schema.md this file follows.
    public var schemaVersion: Int64
    public var experiment: String
    /// The spec text as written by the user (YAML).
    public var spec: String
    /// ISO 8601 creation time of the file.
    public var created: String
    /// Layout JSON: which tables and figures `table` and `plot` draw (see `Layout`).
    public var layout: String
    /// The paper's reference numbers as JSON (see `PaperNumbers`), if the spec has them.
    public var paper: String?
    /// Per-metric relative tolerances for `check` as JSON (see `Tolerances`).
    public var tolerances: String?
    /// The code fingerprint of the latest `longlora run` on this file (`current_code`): runs
    /// of other code are stale (see `RunRecord.staleness`). Nil in files from before it.
    public var currentCode: String?
    /// Corpus -> SHA-256 of its manifest as the latest run on each corpus saw it (`current_data`).
    public var currentData: [String: String]
    /// Run id -> its label as the spec of the latest `longlora run` gives it (`labels`).
    /// A label is not part of a run's content hash, so a relabelled spec reuses every run;
    /// tables and figures read the label from here, not from the config recorded with the run.
    public var labels: [String: String]

    public init(experiment: String, spec: String = "", created: String = RunRecord.timestamp(),
                layout: String = "{}", paper: String? = nil, tolerances: String? = nil,
                currentCode: String? = nil, currentData: [String: String] = [:],
                labels: [String: String] = [:], schemaVersion: Int64 = ResultFile.schemaVersion) {
        self.schemaVersion = schemaVersion
        self.experiment = experiment
        self.spec = spec
        self.created = created
        self.layout = layout
        self.paper = paper
        self.tolerances = tolerances
        self.currentCode = currentCode
        self.currentData = currentData
        self.labels = labels
    }
}

/// A whole result file in memory: the header and every run, in recording order.
/// Files are small (curves and tables, no weights), so they are read and written whole.
public struct ResultFile: Equatable, Sendable {
    /// The schema this code writes and reads.
    public static let schemaVersion: Int64 = 1

    public var header: ResultHeader
    public var runs: [RunRecord]

    public init(header: ResultHeader, runs: [RunRecord] = []) {
        self.header = header
        self.runs = runs
    }

    public func run(_ id: String) -> RunRecord? { runs.first { $0.id == id } }

    /// A run's recorded config with its current label (`ResultHeader.labels`), the view
    /// every table, figure and export reads.
    public func config(of run: RunRecord) throws -> ConfigJSON {
        try ConfigJSON(run.config, run: run.id, label: header.labels[run.id])
    }

    /// Reads a result file, failing with a `UserError` (exit 2) that names the file if
    /// it is missing, corrupted (its seal does not match), not HDF5, not a result file, or
    /// of another schema version.
    public static func read(_ url: URL) throws -> ResultFile {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw UserError("\(url.path): no such file")
        }
        // A corrupted file can crash or hang libhdf5: verify the seal before it opens anything.
        if try ResultChecksum.verify(url) == .unsealed, let isolatedRead = UnsealedResultCheck.isolatedRead {
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("longlora-sealed-\(UUID().uuidString).h5")
            defer { try? FileManager.default.removeItem(at: copy) }
            try isolatedRead(url, copy)
            guard try ResultChecksum.verify(copy) == .sealed else {
                throw UserError("\(url.path): the process that read this result file from before seals left no intact copy")
            }
            do { return try read(copy) } catch let error as UserError {
                throw UserError(error.message.replacingOccurrences(of: copy.path, with: url.path), hint: error.hint)
            }
        }
        guard HDF5.isHDF5(url) else {
            throw UserError("\(url.path): not an HDF5 file (expected a result file written by `longlora run`)")
        }
        do {
            let root = try H5Group.openReadOnly(url)
            guard root.hasAttribute("schema_version"), case .int(let version) = try root.readAttribute("schema_version") else {
                throw UserError("\(url.path): not a result file (no integer root attribute 'schema_version')")
            }
            guard version == schemaVersion else {
                throw UserError("\(url.path): schema_version \(version), but this build reads version \(schemaVersion)")
            }
            let file = try ResultCodec.decode(root)
            // What the writer guarantees (equal column lengths, plain names), checked again:
            // the file may come from elsewhere, and readers index columns by row.
            for run in file.runs {
                do { try run.validate() } catch let error as UserError {
                    throw UserError("\(url.path): malformed result file: \(error.message)")
                }
            }
            return file
        } catch let error as HDF5.Failure {
            throw UserError("\(url.path): malformed result file: \(error.description)")
        }
    }

    /// Writes the whole file atomically (temporary name, then rename): a crash leaves
    /// the previous file or this one, never a mixture. The file carries its seal
    /// (`ResultChecksum`), so later readers can tell it is intact.
    public func write(_ url: URL) throws { try write(url, sealed: true) }

    /// `sealed: false` writes a file as versions before seals did (for tests of old files).
    func write(_ url: URL, sealed: Bool) throws {
        for run in runs { try run.validate() }
        let ids = runs.map(\.id)
        if let duplicate = ids.first(where: { id in ids.filter { $0 == id }.count > 1 }) {
            throw UserError("\(url.path): run id '\(duplicate)' appears twice")
        }
        try AtomicFile.produce(url) { tmp in
            do {
                // The handle's scope ends (closing the file, flushing HDF5's buffers)
                // before the fsync and the rename.
                do {
                    let root = try H5Group.create(tmp, userBlock: sealed ? ResultChecksum.blockSize : 0)
                    try ResultCodec.encode(self, to: root)
                }
                if sealed { try ResultChecksum.seal(tmp) }
                try syncFile(tmp)
            } catch let error as HDF5.Failure {
                throw UserError("\(url.path): cannot write result file: \(error.description)")
            }
        }
    }

    /// Flushes the closed file's bytes to disk before the rename, so a power loss
    /// after the rename cannot expose an empty file.
    private func syncFile(_ url: URL) throws {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw UserError("cannot reopen \(url.path) to sync it") }
        defer { close(fd) }
        fsync(fd)
    }
}
