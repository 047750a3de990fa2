import CodeIdentity
import Foundation
import Results
import Support

/// Runs an experiment's planned runs through the stages:
/// data (once per corpus) -> base model (once per base hash, cached) -> fine-tune
/// (checkpointed per fine-tune hash, resumable) -> evaluation -> one record per run.
///
/// A run whose content hash is already complete is skipped. Several runners (processes on
/// one machine or on machines sharing `results/`) split a sweep through `Claim`s under
/// `results/claims/`: a run is claimed before it starts and left to its claimant by the
/// others; a corpus being built, a base model being pretrained and a checkpoint being
/// fine-tuned by one runner are waited for by the others, never made twice. A run that fails is
/// recorded with its error and the next one starts. Every run also records its recipe's
/// projection onto a real Llama2 (`projection`); an `analytic.only` run records nothing else.
public struct Runner {
    public var data: any DataStage
    public var pretrain: any PretrainStage
    public var finetune: any FinetuneStage
    public var evaluate: any EvaluateStage
    public var recorder: any RunRecorder
    /// `results/`: holds `cache/base-<hash>/` and `checkpoints/<hash>/`.
    public var resultsDirectory: URL
    public var dataDirectory: URL
    /// The code fingerprint in every content hash (this binary's, unless a test says otherwise).
    public var code: String
    public var provenance: Provenance
    public var progress: ProgressSink

    public init(data: any DataStage, pretrain: any PretrainStage, finetune: any FinetuneStage,
                evaluate: any EvaluateStage, recorder: any RunRecorder, resultsDirectory: URL,
                dataDirectory: URL, code: String = CodeIdentity.fingerprint, provenance: Provenance,
                progress: @escaping ProgressSink) {
        self.data = data
        self.pretrain = pretrain
        self.finetune = finetune
        self.evaluate = evaluate
        self.recorder = recorder
        self.resultsDirectory = resultsDirectory
        self.dataDirectory = dataDirectory
        self.code = code
        self.provenance = provenance
        self.progress = progress
    }

    public struct Summary: Equatable, Sendable {
        public var completed: [String] = []
        public var skipped: [String] = []
        public var failed: [String] = []
        /// Runs claimed by another runner, left to it.
        public var elsewhere: [String] = []
    }

    /// `results/claims/<kind>-<key>`: the claim of one piece of shared work.
    func claimURL(_ kind: String, _ key: String) -> URL {
        Claim.url(kind, key, in: resultsDirectory)
    }

    /// Holds the claim `kind-key` while `body` runs, waiting while another runner holds it.
    func exclusively<T>(_ kind: String, _ key: String, what: String, _ body: () throws -> T) throws -> T {
        try Claim.withClaim(claimURL(kind, key),
                            waiting: { progress(.message("waiting for \(what): another runner has it (\($0))")) },
                            note: { progress(.message($0)) }, body)
    }

    public func run(_ runs: [PlannedRun]) throws -> Summary {
        var summary = Summary()
        var dataProblems: [String: String] = [:]
        // A second look at the runs left to other runners: their holder may have finished
        // them, or died (its claim is then taken over) while this runner did the others.
        for pass in 0..<2 {
            let todo = pass == 0 ? runs : runs.filter { summary.elsewhere.contains($0.id) }
            if pass == 1 {
                if todo.isEmpty { break }
                summary.elsewhere = []
                progress(.message("again, the \(todo.count) run\(todo.count == 1 ? "" : "s") left to other runners"))
            }
            var clock = SweepClock(total: todo.count)
            for (index, run) in todo.enumerated() {
                progress(clock.start(index, id: run.id))
                // Data first: the manifest is part of the hash.
                for corpus in run.corpora where dataProblems[corpus] == nil {
                    do {
                        let folder = run.config.data.folder(corpus)
                        _ = try exclusively("data", folder, what: "corpus \(folder)") {
                            try data.prepare(corpus: corpus, recipe: run.config.data, progress: progress)
                        }
                    } catch {
                        dataProblems[corpus] = "corpus '\(corpus)': \(Self.describe(error))"
                    }
                }
                let version = CodeVersion.current(for: run, dataDirectory: dataDirectory, code: code)
                let hash = run.hash(version)
                // Runs of other code or data in the file become stale, whether this one runs or not.
                try recorder.setCurrent(version)
                if recorder.isComplete(hash: hash) {
                    progress(.message("\(run.id): already complete, skipped"))
                    clock.skipped()
                    summary.skipped.append(run.id)
                    continue
                }
                let claim: Claim
                switch try Claim.acquire(claimURL("run", hash), note: { progress(.message($0)) }) {
                case .held(let other):
                    progress(.message("\(run.id): claimed by another runner (\(other)), left to it"))
                    clock.skipped()
                    summary.elsewhere.append(run.id)
                    continue
                case .acquired(let acquired):
                    claim = acquired
                }
                defer { claim.release() }
                // Completed by another runner between the check and the claim.
                if recorder.isComplete(hash: hash) {
                    progress(.message("\(run.id): already complete, skipped"))
                    clock.skipped()
                    summary.skipped.append(run.id)
                    continue
                }
                let checkpoints = resultsDirectory.appendingPathComponent("checkpoints").appendingPathComponent(run.finetuneHash(version))
                var report = RunRecord(id: run.id, config: run.recordedConfig, configHash: hash, seed: Int64(run.seed),
                                       codeFingerprint: version.code, dataManifests: version.dataManifests,
                                       checkpoint: run.config.analytic.only ? "" : "checkpoints/\(checkpoints.lastPathComponent)",
                                       status: .running, provenance: provenance, started: RunRecord.timestamp())
                var metrics: [String: [String: Double]] = [:]
                try recorder.markRunning(report)
                do {
                    metrics["projection"] = try AnalyticProjection.metrics(run.config)
                    if !run.config.analytic.only {
                        if let problem = run.corpora.compactMap({ dataProblems[$0] }).first { throw UserError(problem) }
                        let base = try baseModel(for: run, version: version)
                        // Runs that differ only in evaluation share this checkpoint: one runner trains it,
                        // the others wait and resume from its final step.
                        let tuned = try exclusively("finetune", checkpoints.lastPathComponent, what: "fine-tuning \(checkpoints.lastPathComponent.prefix(12))") {
                            let tuned = try finetune.finetune(run.config, base: base, checkpoints: checkpoints, progress: progress)
                            try CheckpointMetadata(run.config, model: tuned.model, base: base, directory: checkpoints).write(to: checkpoints)
                            return tuned
                        }
                        report.curves = tuned.curves
                        metrics["training"] = tuned.metrics
                        metrics.merge(tuned.groups) { _, new in new }
                        for table in try evaluate.evaluate(run.config, model: tuned.model, progress: progress) {
                            report.eval[table.dataset] = table.resultTable
                        }
                    }
                    report.status = .complete
                    summary.completed.append(run.id)
                } catch {
                    report.status = .failed
                    report.error = Self.describe(error)
                    summary.failed.append(run.id)
                    progress(.message("\(run.id): failed: \(report.error)"))
                }
                report.finished = RunRecord.timestamp()
                report.metrics = MetricSchema.values(metrics.filter { !$0.value.isEmpty })
                try recorder.record(report)
                clock.finished()
            }
        }
        return summary
    }

    /// The given `base.checkpoint`, or `cache/base-<hash>/`, pretraining it first if absent, under its claim: a base being
    /// pretrained by another runner is waited for. Pretraining writes to a temporary
    /// sibling that is renamed into place only when complete, so an interrupted
    /// pretraining is never reused half-trained; it resumes (in whichever runner takes it
    /// over) from its latest step checkpoint in `cache/base-<hash>.steps/`, removed once the
    /// base is whole.
    public func baseModel(for run: PlannedRun, version: CodeVersion) throws -> URL {
        // A given model (`base.checkpoint`) is read where it is.
        if let given = run.config.baseCheckpoint { return given.model }
        let cache = resultsDirectory.appendingPathComponent("cache")
        let hash = run.baseHash(version)
        let final = cache.appendingPathComponent("base-\(hash)")
        if FileManager.default.fileExists(atPath: final.path) { return final }
        return try exclusively("base", hash, what: "base model base-\(hash.prefix(12))") {
            // Pretrained by the runner this one waited for.
            if FileManager.default.fileExists(atPath: final.path) { return final }
            let temporary = AtomicFile.temporaryURL(for: final)
            let steps = cache.appendingPathComponent("base-\(hash).steps")
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
            // A constant-rate base carries on the longest finished one of its recipe.
            var continuation: BaseContinuation.Record?
            if run.config.base.isContinuable {
                let record = BaseContinuation.Record(recipe: run.baseRecipeHash(version), steps: run.config.base.steps)
                if let donor = BaseContinuation.donor(in: cache, recipe: record.recipe, below: record.steps),
                   let from = try BaseContinuation.seed(steps, from: donor) {
                    progress(.message("base-\(hash.prefix(12)) carries on \(donor.base.lastPathComponent.prefix(17)) from step \(from)"))
                }
                continuation = record
            }
            do {
                try pretrain.pretrain(run.config, into: temporary, checkpoints: steps, progress: progress)
                if let continuation { try BaseContinuation.record(continuation, in: temporary) }
                try AtomicFile.commit(temporary, to: final)
                try? FileManager.default.removeItem(at: steps)
            } catch {
                try? FileManager.default.removeItem(at: temporary)
                throw error
            }
            return final
        }
    }

    static func describe(_ error: Error) -> String {
        if let user = error as? UserError { return user.message }
        return String(describing: error)
    }
}
