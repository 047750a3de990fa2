/// How an experiment's runs are assembled from what its result file held and its shards:
/// a pure function of the two, so any process assembling at any time writes the same file.
///
/// Runs are taken in order: first the file's runs that no shard holds (written before
/// shards existed, or whose shard was moved away), then the shards' runs: those the file
/// holds in its order, then the others in the order given (`ResultShards.scan`: as the runs
/// started; a timestamp's second alone cannot order two runs of one id). Each is added by the rule the single-file store always had: it replaces a
/// running or failed run with its id; a complete run with its id but another content hash
/// (other code, data or config) is kept under `<id>@<hash prefix>` (`supersededID`); a
/// complete run is never replaced by anything of its own hash.
public enum ResultAssembly {
    public static func runs(previous: [RunRecord], shards: [RunRecord]) -> [RunRecord] {
        var runs = previous.filter { old in !shards.contains { isSameRun(old, $0) } }
        let position = { (shard: RunRecord) in previous.firstIndex { isSameRun($0, shard) } ?? previous.count }
        let ordered = shards.enumerated().sorted { (position($0.element), $0.offset) < (position($1.element), $1.offset) }
        for (_, shard) in ordered { add(shard, to: &runs) }
        return runs
    }

    /// `assembled` is `run` as an earlier assembly wrote it: the same content hash, under
    /// its id or the id it was kept under when superseded.
    static func isSameRun(_ assembled: RunRecord, _ run: RunRecord) -> Bool {
        assembled.configHash == run.configHash && (assembled.id == run.id || assembled.id.hasPrefix("\(run.id)@"))
    }

    static func add(_ run: RunRecord, to runs: inout [RunRecord]) {
        if let index = runs.firstIndex(where: { $0.id == run.id }) {
            let old = runs[index]
            if old.status != .complete {
                // Appended, not put in place: assembling again gives the same order.
                runs.remove(at: index)
            } else if old.configHash == run.configHash {
                return
            } else {
                runs[index].id = supersededID(old, among: runs.map(\.id))
            }
        }
        runs.append(run)
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
}
