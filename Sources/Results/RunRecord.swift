import Foundation
import Support

/// Where a run stands. Only `complete` runs are skipped on resume and used in tables.
public enum RunStatus: String, Sendable, CaseIterable {
    case complete, failed, running
}

/// Everything recorded about one run: `/runs/<id>/` in the result file.
///
/// Generic on purpose: the runner decides which curves, evaluation tables and metric
/// groups exist; the schema (docs/results-schema.md) only fixes where they live.
public struct RunRecord: Equatable, Sendable {
    /// Unique within the file; also the HDF5 group name (no `/`, not `.`).
    public var id: String
    /// The fully resolved configuration as JSON (keys named `seed` are ignored when
    /// runs are grouped across seeds).
    public var config: String
    /// Content hash of config + data manifests + code fingerprint: the resume key.
    public var configHash: String
    /// The code fingerprint of the binary that ran it (`code_fingerprint`; empty in files
    /// written before fingerprints existed).
    public var codeFingerprint: String
    /// Corpus -> SHA-256 of its manifest, for every corpus the run read (`data_manifests`).
    public var dataManifests: [String: String]
    /// The run's checkpoint directory (`checkpoint`), relative to the result file's folder
    /// (`checkpoints/<fine-tune hash>`): where `longlora eval RESULTS.h5#ID` finds the model
    /// and its metadata; empty for runs without one (`analytic.only`).
    public var checkpoint: String
    public var seed: Int64
    public var status: RunStatus
    /// Error text of a failed run; empty otherwise.
    public var error: String
    public var provenance: Provenance
    /// ISO 8601 times; `finished` is empty while running.
    public var started: String
    public var finished: String
    /// Further run attributes (e.g. `blas`, `threads`), beside the reserved ones.
    public var attributes: [String: Value]
    /// Per-step training curves: `curves/<name>` (e.g. step, loss, lr, grad_norm, tokens_per_s).
    public var curves: [String: [Double]]
    /// Evaluation tables by dataset: `eval/<dataset>/<column>`.
    public var eval: [String: Table]
    /// Named groups of scalars, stored as attributes of `/runs/<id>/<group>`
    /// (e.g. `resources`: wall_s, cpu_s, peak_rss_bytes; `analytic`: FLOPs, memory, hours).
    public var metrics: [String: [String: Value]]

    public init(id: String, config: String, configHash: String, seed: Int64,
                codeFingerprint: String = "", dataManifests: [String: String] = [:], checkpoint: String = "",
                status: RunStatus = .complete, error: String = "",
                provenance: Provenance, started: String = "", finished: String = "",
                attributes: [String: Value] = [:], curves: [String: [Double]] = [:],
                eval: [String: Table] = [:], metrics: [String: [String: Value]] = [:]) {
        self.id = id
        self.config = config
        self.configHash = configHash
        self.seed = seed
        self.codeFingerprint = codeFingerprint
        self.dataManifests = dataManifests
        self.checkpoint = checkpoint
        self.status = status
        self.error = error
        self.provenance = provenance
        self.started = started
        self.finished = finished
        self.attributes = attributes
        self.curves = curves
        self.eval = eval
        self.metrics = metrics
    }

    /// Attribute names the schema gives a fixed meaning on a run group.
    public static let reservedAttributes: Set<String> = [
        "config", "config_hash", "seed", "status", "error", "started", "finished",
        "code_fingerprint", "data_manifests", "checkpoint",
        "git_commit", "git_dirty", "swift_version", "os", "cpu_model", "cpu_count", "hostname",
    ]

    /// Child groups with a fixed meaning; a metric group may not use these names.
    public static let reservedGroups: Set<String> = ["curves", "eval"]

    /// Rejects what the file cannot hold unambiguously, naming the offending part.
    public func validate() throws {
        func checkName(_ name: String, _ what: String) throws {
            if name.isEmpty || name == "." || name == ".." || name.contains("/") {
                throw UserError("run '\(id)': \(what) name '\(name)' must be non-empty and contain no '/'")
            }
        }
        try checkName(id, "run")
        for key in attributes.keys {
            try checkName(key, "attribute")
            if Self.reservedAttributes.contains(key) {
                throw UserError("run '\(id)': attribute '\(key)' is reserved by the result schema")
            }
        }
        for name in curves.keys { try checkName(name, "curve") }
        for (name, table) in eval {
            try checkName(name, "evaluation table")
            for column in table.columns {
                try checkName(column.name, "column")
                if column.values.count != table.rowCount {
                    throw UserError("run '\(id)': eval/\(name)/\(column.name) has \(column.values.count) rows, expected \(table.rowCount)")
                }
            }
            if Set(table.names).count != table.names.count {
                throw UserError("run '\(id)': eval/\(name) has duplicate column names")
            }
        }
        for (group, values) in metrics {
            try checkName(group, "metric group")
            if Self.reservedGroups.contains(group) {
                throw UserError("run '\(id)': metric group '\(group)' is reserved by the result schema")
            }
            for key in values.keys { try checkName(key, "metric") }
        }
    }
}

extension RunRecord {
    /// The checkpoint directory, resolved against the result file's folder.
    public func checkpointURL(relativeTo directory: URL) -> URL {
        checkpoint.hasPrefix("/") ? URL(fileURLWithPath: checkpoint) : directory.appendingPathComponent(checkpoint)
    }

    /// The current time as the schema writes it (`started`, `finished`, `created`).
    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
