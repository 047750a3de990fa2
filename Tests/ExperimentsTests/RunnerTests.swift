import Foundation
import Testing
import Experiments
import Results
import Support

/// Stages that do no learning but behave like real ones on disk: they let the tests
/// check the runner's own logic (skip, cache, resume, failure) in milliseconds.
final class RecordingStages: DataStage, PretrainStage, FinetuneStage, EvaluateStage, RunRecorder, @unchecked Sendable {
    let dataDirectory: URL
    var pretrained: [String] = []
    var finetuned: [String] = []
    var evaluated: [String] = []
    var reports: [RunRecord] = []
    var running: [String] = []
    /// Fine-tuning of a run whose attention is this fails at this step (a simulated kill).
    var killAt: (attention: String, step: Int)?
    var failEvaluationOf: String?

    init(dataDirectory: URL) { self.dataDirectory = dataDirectory }

    func prepare(corpus: String, recipe: DataRecipe, progress: ProgressSink) throws -> URL {
        let manifest = dataDirectory.appendingPathComponent(corpus).appendingPathComponent("manifest.json")
        if !FileManager.default.fileExists(atPath: manifest.path) {
            try AtomicFile.write("{\"corpus\": \"\(corpus)\"}", to: manifest)
        }
        return manifest
    }

    func pretrain(_ config: RunConfig, into directory: URL, checkpoints: URL, progress: ProgressSink) throws {
        pretrained.append(directory.lastPathComponent)
        try AtomicFile.write("base", to: directory.appendingPathComponent("model.bin"))
    }

    /// One checkpoint file per step; resumes after the last one present.
    func finetune(_ config: RunConfig, base: URL, checkpoints: URL, progress: ProgressSink) throws -> FinetuneOutcome {
        #expect(FileManager.default.fileExists(atPath: base.appendingPathComponent("model.bin").path))
        let steps = config.finetune.training.steps
        let done = (0...steps).last { FileManager.default.fileExists(atPath: checkpoints.appendingPathComponent("step-\($0)").path) } ?? 0
        finetuned.append("\(config.finetune.attention) from \(done)")
        var losses: [Double] = []
        for step in (done + 1)...max(done + 1, steps) where step <= steps {
            if let kill = killAt, kill.attention == config.finetune.attention.rawValue, kill.step == step {
                throw UserError("killed at step \(step)")
            }
            try AtomicFile.write("\(step)", to: checkpoints.appendingPathComponent("step-\(step)"))
            losses.append(1.0 / Double(step))
        }
        return FinetuneOutcome(model: checkpoints, curves: ["loss": losses], metrics: ["resumed_from_step": Double(done)])
    }

    func evaluate(_ config: RunConfig, model: URL, progress: ProgressSink) throws -> [EvaluationTable] {
        if config.finetune.attention.rawValue == failEvaluationOf { throw UserError("evaluation exploded") }
        evaluated.append(config.finetune.attention.rawValue)
        let lengths = config.evaluate.lengths.map(Double.init)
        return [EvaluationTable(dataset: "pg19-mini-test", numbers: [("length", lengths), ("perplexity", lengths.map { _ in 5 })])]
    }

    func isComplete(hash: String) -> Bool { reports.contains { $0.configHash == hash && $0.status == .complete } }
    func markRunning(_ report: RunRecord) throws { running.append(report.id) }
    func record(_ report: RunRecord) throws {
        reports.removeAll { $0.id == report.id }
        reports.append(report)
    }
}

@Suite struct RunnerTests {
    let spec = """
    experiment: t
    model: {preset: micro}
    base: {context: 64, steps: 2, batch_tokens: 128}
    finetune: {context: 128, steps: 4, batch_tokens: 256}
    evaluate: {lengths: [64, 128], stride: 64}
    grid:
      finetune.attention: [full, s2]
      evaluate.max_windows: [4, 8]
    """

    func makeRunner(_ stages: RecordingStages, root: URL) -> Runner {
        Runner(data: stages, pretrain: stages, finetune: stages, evaluate: stages, recorder: stages,
               resultsDirectory: root.appendingPathComponent("results"), dataDirectory: stages.dataDirectory,
               provenance: Provenance.current(), progress: Progress.silent)
    }

    func temporaryRoot() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("runner-\(UUID().uuidString)")
    }

    @Test func baseModelIsPretrainedOnceAndCompleteRunsAreSkipped() throws {
        let root = temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let stages = RecordingStages(dataDirectory: root.appendingPathComponent("data"))
        let runs = try expand(spec)
        let first = try makeRunner(stages, root: root).run(runs)
        #expect(first.completed.count == 4 && first.failed.isEmpty)
        // One base for all four runs; one fine-tune per attention, shared by both window counts.
        #expect(stages.pretrained.count == 1)
        #expect(stages.finetuned == ["full from 0", "full from 4", "s2 from 0", "s2 from 4"])
        #expect(stages.reports.allSatisfy { $0.status == .complete && $0.configHash.count == 64 })

        let second = try makeRunner(stages, root: root).run(runs)
        #expect(second.skipped.count == 4 && second.completed.isEmpty)
        #expect(stages.pretrained.count == 1 && stages.finetuned.count == 4)

        // A changed value is a new run that still reuses the cached base model.
        let changed = try expand(spec, set: ["finetune.steps=5"])
        let third = try makeRunner(stages, root: root).run(changed)
        #expect(third.completed.count == 4)
        #expect(stages.pretrained.count == 1)
    }

    @Test func failedRunIsRecordedAndTheNextOneRuns() throws {
        let root = temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let stages = RecordingStages(dataDirectory: root.appendingPathComponent("data"))
        stages.failEvaluationOf = "full"
        let summary = try makeRunner(stages, root: root).run(try expand(spec))
        #expect(summary.failed == ["attention=full,max_windows=4,seed=0", "attention=full,max_windows=8,seed=0"])
        #expect(summary.completed.count == 2)
        let failed = stages.reports.first { $0.status == .failed }
        #expect(failed?.error == "evaluation exploded")
        #expect(stages.running.count == 4)
    }

    @Test func interruptedFinetuneResumesFromItsLastCheckpoint() throws {
        let root = temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let stages = RecordingStages(dataDirectory: root.appendingPathComponent("data"))
        let runs = try expand(spec, set: ["grid.evaluate.max_windows=[4]"])
        stages.killAt = ("s2", 3)
        let first = try makeRunner(stages, root: root).run(runs)
        #expect(first.failed == ["attention=s2,max_windows=4,seed=0"])
        #expect(stages.reports.first { $0.status == .failed }?.error == "killed at step 3")

        stages.killAt = nil
        let second = try makeRunner(stages, root: root).run(runs)
        #expect(second.skipped == ["attention=full,max_windows=4,seed=0"])
        #expect(second.completed == ["attention=s2,max_windows=4,seed=0"])
        // Steps 1 and 2 were kept; the resumed run continued from step 2.
        #expect(stages.finetuned.last == "s2 from 2")
        #expect(stages.reports.last?.curves["loss"]?.count == 2)
    }

    @Test func failedPretrainingLeavesNoCacheEntry() throws {
        struct Failing: PretrainStage {
            func pretrain(_ config: RunConfig, into directory: URL, checkpoints: URL, progress: ProgressSink) throws {
                try AtomicFile.write("half", to: directory.appendingPathComponent("model.bin"))
                throw UserError("out of memory")
            }
        }
        let root = temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let stages = RecordingStages(dataDirectory: root.appendingPathComponent("data"))
        var runner = makeRunner(stages, root: root)
        runner.pretrain = Failing()
        let summary = try runner.run(try expand(spec, set: ["grid.finetune.attention=[s2]", "grid.evaluate.max_windows=[4]"]))
        #expect(summary.failed.count == 1)
        let cache = root.appendingPathComponent("results/cache")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: cache.path))?.isEmpty ?? true)
    }

    @Test func progressIsABarOnATerminalAndLinesElsewhere() {
        final class Sink: @unchecked Sendable { var text = "" }
        let start = Date(timeIntervalSince1970: 0)
        let bar = Sink(), log = Sink()
        let barDisplay = ProgressDisplay(mode: .bar) { bar.text += $0 }
        let logDisplay = ProgressDisplay(mode: .log, logInterval: 10) { log.text += $0 }
        for display in [barDisplay, logDisplay] {
            display.handle(.begin(task: "finetune", total: 100), now: start)
            for step in [10, 20, 25, 40] {
                display.handle(.advance(task: "finetune", completed: step, total: 100, metrics: [("loss", 2.31), ("tokens/s", 5200)], unit: "steps"),
                               now: start.addingTimeInterval(Double(step)))
            }
        }
        #expect(bar.text.hasSuffix("\r\u{1B}[2Kfinetune [########............] 40/100 steps loss 2.310 5200 tokens/s ETA 1:00"))
        // Log lines at most every 10 s, each on its own line, without the bar.
        #expect(log.text == "finetune 10/100 steps loss 2.310 5200 tokens/s ETA 1:30\nfinetune 20/100 steps loss 2.310 5200 tokens/s ETA 1:20\nfinetune 40/100 steps loss 2.310 5200 tokens/s ETA 1:00\n")
        let quiet = Sink()
        ProgressDisplay(mode: .quiet) { quiet.text += $0 }.handle(.message("hello"))
        #expect(quiet.text.isEmpty)
    }

    /// Counts carry their unit and quantities read value-then-unit, as `data build` prints them.
    @Test func unitsReadAsAPersonWritesThem() {
        let line = ProgressDisplay.describe(task: "tokenize train", completed: 75, total: 75, unit: "docs",
                                            metrics: [("MB", 4.115), ("MB/s", 31.748)], elapsed: 0.13, bar: false)
        #expect(line == "tokenize train 75/75 docs 4.115 MB 31.748 MB/s")
    }

    /// A sweep says where it is and, once a run has been timed, how long the rest will take;
    /// skipped runs do not count as timed.
    @Test func aSweepShowsItsPositionAndETA() throws {
        final class Events: @unchecked Sendable { var runs: [(Int, Int, String, Double?)] = [] }
        let root = temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let stages = RecordingStages(dataDirectory: root.appendingPathComponent("data"))
        let events = Events()
        var runner = makeRunner(stages, root: root)
        runner.progress = { if case let .run(index, total, id, remaining) = $0 { events.runs.append((index, total, id, remaining)) } }
        let runs = try expand(spec)
        _ = try runner.run(Array(runs.prefix(2)))
        #expect(events.runs.map(\.0) == [0, 1] && events.runs.allSatisfy { $0.1 == 2 })
        #expect(events.runs.map(\.2) == runs.prefix(2).map(\.id))
        #expect(events.runs[0].3 == nil && events.runs[1].3 != nil)
        // Again with the first two complete: they are skipped and give no estimate.
        events.runs = []
        _ = try runner.run(runs)
        #expect(events.runs.map(\.0) == [0, 1, 2, 3] && events.runs.allSatisfy { $0.1 == 4 })
        #expect(events.runs.prefix(3).allSatisfy { $0.3 == nil } && events.runs[3].3 != nil)
        let display = Sink()
        ProgressDisplay(mode: .log) { display.text += $0 }.handle(.run(index: 1, total: 6, id: "attention=s2,seed=0", remainingSeconds: 200))
        #expect(display.text == "run 2/6 attention=s2,seed=0 (sweep ETA 3:20)\n")
    }
}

private final class Sink: @unchecked Sendable { var text = "" }
