import Foundation

/// Why a run no longer counts: its code fingerprint or a data manifest differs from the
/// current ones of its file (`current_code`, `current_data`, set by the latest
/// `longlora run`). Stale runs are kept (never rewritten or archived), but `table` and
/// `plot` leave them out unless `--all`, and `status` says why each one is stale.
extension RunRecord {
    /// The reasons this run is stale in a file with `header`; empty if it is current.
    public func staleness(in header: ResultHeader) -> [String] {
        var reasons: [String] = []
        if let current = header.currentCode, codeFingerprint != current {
            reasons.append(codeFingerprint.isEmpty ? "recorded before code fingerprints"
                : "code \(codeFingerprint.prefix(12)), now \(current.prefix(12))")
        }
        for (corpus, manifest) in dataManifests.sorted(by: { $0.key < $1.key }) {
            if let current = header.currentData[corpus], current != manifest {
                reasons.append("data \(corpus) \(manifest.prefix(12)), now \(current.prefix(12))")
            }
        }
        return reasons
    }
}

extension ResultFile {
    /// The runs that are not stale.
    public var currentRuns: [RunRecord] { runs.filter { $0.staleness(in: header).isEmpty } }

    /// The file as `table` and `plot` read it: only its current runs, or (`all`) every run,
    /// with each stale run's config given a `stale` key (its reasons) so that stale and
    /// current runs of one setting fall in separate rows instead of being averaged together.
    public func forTables(all: Bool) -> ResultFile {
        guard all else { return ResultFile(header: header, runs: currentRuns) }
        var copy = self
        for index in copy.runs.indices {
            let reasons = copy.runs[index].staleness(in: header)
            guard !reasons.isEmpty,
                  var object = (try? JSONSerialization.jsonObject(with: Data(copy.runs[index].config.utf8))) as? [String: Any]
            else { continue }
            object["stale"] = reasons.joined(separator: "; ")
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                copy.runs[index].config = String(decoding: data, as: UTF8.self)
            }
        }
        return copy
    }
}
