import Data
import Foundation
import Testing
import Evaluation
import Experiments
@testable import Results
import Support
@testable import Reports

/// A small text corpus built with the Data module's builder: varied sentences so a tiny
/// model has something to learn, deterministic so runs are reproducible.
func buildTinyCorpus(named name: String, in dataDirectory: URL) throws {
    let words = ["the", "grass", "is", "green", "sky", "blue", "sun", "bright", "and", "a", "river", "runs",
                 "over", "stones", "under", "old", "trees", "where", "birds", "sing", "at", "dawn"]
    var state: UInt64 = 12345
    var text = ""
    for line in 0..<1200 {
        var sentence: [String] = []
        for _ in 0..<(6 + line % 5) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            sentence.append(words[Int(state >> 33) % words.count])
        }
        text += sentence.joined(separator: " ").capitalized + ".\n"
    }
    let source = dataDirectory.appendingPathComponent("\(name).txt")
    try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
    try AtomicFile.write(text, to: source)
    var builder = CorpusBuilder(corpus: name, dataDirectory: dataDirectory)
    builder.input = (source, .text)
    try builder.build()
}

/// The micro spec: micro preset, context 32 -> 64, a few steps, two runs.
func microSpec(corpus: String, steps: String = "[3, 4]", checkpointEvery: Int = 2) -> String {
    """
    experiment: micro
    data: {corpus: \(corpus), tokenizer: byte}
    model: {preset: micro}
    base: {context: 32, steps: 8, batch_tokens: 128, warmup: 2, optimizer: {lr: 3.0e-3}}
    finetune:
      context: 64
      attention: s2
      trainable: [lora, embed, norm]
      lora: {rank: 4, alpha: 8}
      optimizer: {lr: 2.0e-3}
      warmup: 1
      batch_tokens: 128
      checkpoint_every: \(checkpointEvery)
    evaluate: {datasets: [test], lengths: [32, 64], stride: 32, attention: [full], max_windows: 2,
               passkey: {lengths: [256], trials: 2}, induction: {length: 32, trials: 2}}
    grid:
      finetune.steps: \(steps)

    """
}

@Suite struct EndToEndTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
    var data: URL { root.appendingPathComponent("data") }
    var results: URL { root.appendingPathComponent("results") }

    var resultFile: URL { results.appendingPathComponent("micro.h5") }

    /// Runs a spec through the real stages into `results/micro.h5`, as code `code`.
    func run(_ yaml: String, overrides: [String] = [], code: String = "code-a") throws -> (Runner.Summary, ResultFile) {
        let spec = try SpecParser.parse(yaml, file: "micro.yaml", overrides: overrides)
        let runs = try Sweep.expand(spec)
        let store = try ResultStore.open(resultFile, header: try ResultHeaderBuilder.header(spec, runs: runs))
        let runner = Runner(
            data: CorpusDataStage(dataDirectory: data), pretrain: LlamaPretrainStage(dataDirectory: data),
            finetune: LlamaFinetuneStage(dataDirectory: data), evaluate: PerplexityEvaluateStage(dataDirectory: data),
            recorder: ResultFileRecorder(store: store, threads: 1), resultsDirectory: results, dataDirectory: data,
            code: code, provenance: Provenance.current(), progress: Progress.silent)
        let summary = try runner.run(runs)
        return (summary, try ResultFile.read(resultFile))
    }

    /// Nothing beside the result file but its shards and the caches: no archive.
    func resultsFolder() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: results.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// New code (a new commit, an uncommitted edit) reruns the runs; the old ones stay in
    /// the file, marked stale with the reason, and tables leave them out.
    @Test func runsOfOtherCodeAreKeptAsStaleNotArchived() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try buildTinyCorpus(named: "tiny", in: data)
        let spec = microSpec(corpus: "tiny", steps: "[3]")
        let (_, old) = try run(spec, code: "aaaa")
        let (again, new) = try run(spec, code: "bbbb")
        #expect(again.completed == ["steps=3,seed=0"] && again.failed.isEmpty)
        let oldID = "steps=3,seed=0@\(old.runs[0].configHash.prefix(12))"
        #expect(new.runs.map(\.id) == [oldID, "steps=3,seed=0"])
        #expect(new.runs.allSatisfy { $0.status == .complete })
        var kept = old.runs[0]
        kept.id = oldID
        #expect(new.runs[0] == kept)
        #expect(new.runs[0].staleness(in: new.header) == ["code aaaa, now bbbb"])
        #expect(new.currentRuns.map(\.id) == ["steps=3,seed=0"])
        #expect(try resultsFolder() == ["cache", "checkpoints", "claims", "micro.d", "micro.h5"])
        // Back to the old code: its run is complete (under its kept id), so nothing reruns,
        // and now the other one is stale.
        let (back, file) = try run(spec, code: "aaaa")
        #expect(back.skipped == ["steps=3,seed=0"] && back.completed.isEmpty)
        #expect(file.currentRuns.map(\.id) == [oldID])
    }

    /// `--set` adds runs beside the spec's own (same code and data: nothing is stale, and
    /// nothing archived); the table gives them rows of their own.
    @Test func setAddsRunsBesideTheOthers() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try buildTinyCorpus(named: "tiny", in: data)
        let spec = microSpec(corpus: "tiny", steps: "[3]")
        _ = try run(spec)
        let (summary, file) = try run(spec, overrides: ["finetune.lora.rank=2"])
        #expect(summary.completed == ["steps=3,rank=2,seed=0"])
        #expect(file.runs.map(\.id) == ["steps=3,seed=0", "steps=3,rank=2,seed=0"])
        #expect(file.currentRuns.count == 2)
        #expect(try resultsFolder() == ["cache", "checkpoints", "claims", "micro.d", "micro.h5"])
        let table = try #require(try Layout.parse(file.header.layout, source: "header").tables.first)
        let grid = try Grid.build(file.forTables(all: false), table.selection, name: "main")
        #expect(grid.rowKeys == ["label", "finetune.lora.rank"] && grid.rows == [["3 steps", "4"], ["3 steps", "2"]])
        // The spec's own run is still complete: rerunning it skips it.
        let (again, _) = try run(spec)
        #expect(again.skipped == ["steps=3,seed=0"])
    }

    /// A label is not part of a run's hash: a spec with new `labels:` reruns nothing, and
    /// the tables read the new label from the header (the run keeps the one it was run with).
    @Test func aRelabelledSpecRelabelsTheTablesWithoutRerunning() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try buildTinyCorpus(named: "tiny", in: data)
        let spec = microSpec(corpus: "tiny", steps: "[3]")
        _ = try run(spec)
        let (again, file) = try run(spec + "labels: {steps=3: \"three steps, relabelled\"}\n")
        #expect(again.skipped == ["steps=3,seed=0"] && again.completed.isEmpty)
        #expect(file.header.labels == ["steps=3,seed=0": "three steps, relabelled"])
        #expect(try ConfigJSON(file.runs[0].config, run: "r").label(at: "label") == "3 steps")
        let table = try #require(try Layout.parse(file.header.layout, source: "header").tables.first)
        let grid = try Grid.build(file.forTables(all: false), table.selection, name: "main")
        #expect(grid.rows == [["three steps, relabelled"]])
        let export = try MetricExport(file.runs, config: file.config(of:)).render(.csv)
        #expect(String(decoding: export, as: UTF8.self).contains("three steps, relabelled"))
        // Every root attribute the runner writes, `labels` among them, is in the schema doc.
        let page = try String(contentsOf: SpecReferenceTests.root.appendingPathComponent("docs/results-schema.md"), encoding: .utf8)
        let names = try H5Group.openReadOnly(resultFile).attributeNames()
        #expect(names.contains("labels"))
        for name in names { #expect(page.contains("| `\(name)` |"), "root attribute \(name) is not in docs/results-schema.md") }
    }

    /// One byte edited in a `--from` input moves the manifest, so the runs on that corpus
    /// rerun and the old ones are stale, naming the corpus.
    @Test func anEditedDataInputMakesRunsStale() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try buildTinyCorpus(named: "tiny", in: data)
        let spec = microSpec(corpus: "tiny", steps: "[3]")
        let (_, before) = try run(spec)
        let source = data.appendingPathComponent("tiny.txt")
        var bytes = try [UInt8](Data(contentsOf: source))
        bytes[0] = bytes[0] == UInt8(ascii: "X") ? UInt8(ascii: "Y") : UInt8(ascii: "X")
        try Data(bytes).write(to: source)
        var builder = CorpusBuilder(corpus: "tiny", dataDirectory: data)
        builder.input = (source, .text)
        try builder.build()
        let (again, after) = try run(spec)
        #expect(again.completed == ["steps=3,seed=0"], "an edited input must not count as the same data")
        #expect(after.runs.count == 2)
        let reasons = after.runs[0].staleness(in: after.header)
        #expect(reasons.count == 1 && reasons[0].hasPrefix("data tiny \(before.runs[0].dataManifests["tiny"]!.prefix(12)), now "))
    }

    /// Every run records its checkpoint directory; its metadata says how it was trained, and
    /// `RESULTS.h5#RUN_ID` finds the model: the final step, or the base for a run without
    /// fine-tuning.
    /// A diverging run (learning rate 1e20: weights of 1e20, activations overflowing) is
    /// recorded as failed with the step and the reason, and the sweep goes on with the next.
    @Test func aDivergingRunFailsAloneWithItsReason() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try buildTinyCorpus(named: "tiny", in: data)
        let spec = microSpec(corpus: "tiny", steps: "[4]") + "  finetune.optimizer.lr: [1.0e20, 2.0e-3]\n"
        let (summary, file) = try run(spec)
        #expect(summary.failed.count == 1 && summary.completed.count == 1, "\(summary)")
        let failed = try #require(file.runs.first { $0.status == .failed })
        #expect(failed.id.contains("lr=1e+20") || failed.id.contains("1e20") || failed.id.contains("1e+20"), "\(failed.id)")
        #expect(failed.error.hasPrefix("step ") && failed.error.contains("diverged"), "\(failed.error)")
        #expect(file.runs.contains { $0.status == .complete && !$0.eval.isEmpty })
    }

    /// A model no better than a uniform guess (here: one pretraining step at a rate of 0.3)
    /// is recorded, its perplexity marked as diverged beside the numbers; a trained one is not.
    @Test func aPerplexityAtLeastTheVocabularyIsMarked() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try buildTinyCorpus(named: "tiny", in: data)
        let spec = microSpec(corpus: "tiny", steps: "[0]")
        let (summary, file) = try run(spec, overrides: ["base.steps=1", "base.optimizer.lr=3.0e-1", "base.warmup=0"])
        #expect(summary.completed.count == 1, "\(summary)")
        let table = try #require(file.runs.first?.eval["tiny-test"])
        guard case .double(let ppl) = table["perplexity"] else { Issue.record("perplexity missing"); return }
        #expect(ppl.allSatisfy { $0 >= 259 }, "\(ppl)")
        guard case .string(let warnings) = table["warning"] else { Issue.record("no warning column: \(table)"); return }
        #expect(warnings.count == ppl.count && warnings.allSatisfy { $0.hasPrefix("diverged: perplexity") && $0.contains("259") },
                "\(warnings)")
        #expect(DivergenceWarning.text(perplexity: 258.9, vocabSize: 259).isEmpty)
        #expect(!DivergenceWarning.text(perplexity: .nan, vocabSize: 259).isEmpty)
    }

    @Test func everyRunRecordsAnAddressableCheckpoint() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try buildTinyCorpus(named: "tiny", in: data)
        let (_, file) = try run(microSpec(corpus: "tiny", steps: "[0, 3]"))
        for run in file.runs {
            #expect(run.checkpoint.hasPrefix("checkpoints/") && run.checkpoint.count == "checkpoints/".count + 64)
            let reference = try CheckpointReference(parsing: "\(resultFile.path)#\(run.id)")
            let metadata = try #require(reference.metadata)
            #expect(metadata.attention == "s2" && metadata.group == .ratio(0.25) && metadata.groupTokens == 16)
            #expect(metadata.positionInterpolation == 2 && metadata.ropeScaling == "linear")
            #expect(metadata.trainable == ["lora", "embed", "norm"] && metadata.loraRank == 4)
            let directory = run.checkpointURL(relativeTo: results)
            if run.id.hasPrefix("steps=3") {
                #expect(reference.model == directory.appendingPathComponent("step-000003").standardizedFileURL)
            } else {
                #expect(reference.model.deletingLastPathComponent().lastPathComponent == "cache")
                #expect(reference.model.lastPathComponent.hasPrefix("base-"))
            }
            #expect(FileManager.default.fileExists(atPath: reference.model.appendingPathComponent("config.json").path))
        }
        #expect(throws: UserError.self) { try CheckpointReference(parsing: "\(resultFile.path)#no-such-run") }
        // A LoRA fine-tune whose adapters went missing is refused, not evaluated as the base.
        let tuned = try #require(file.runs.first { $0.id.hasPrefix("steps=3") })
        let reference = try CheckpointReference(parsing: "\(resultFile.path)#\(tuned.id)")
        try FileManager.default.removeItem(at: reference.model.appendingPathComponent("adapter_config.json"))
        try FileManager.default.removeItem(at: reference.model.appendingPathComponent("adapter_model.safetensors"))
        do {
            _ = try CheckpointReference(parsing: "\(resultFile.path)#\(tuned.id)")
            Issue.record("a LoRA checkpoint without its adapters was accepted")
        } catch let error as UserError {
            #expect(error.message.contains("records LoRA adapters of rank 4") && error.message.contains("no adapter_config.json"), "\(error.message)")
        }
    }

    @Test func runsSkipsAndRerunsOnlyWhatChanged() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try buildTinyCorpus(named: "tiny", in: data)
        let (first, file) = try run(microSpec(corpus: "tiny"))
        #expect(first.completed.count == 2 && first.failed.isEmpty)
        #expect(file.runs.count == 2)
        for run in file.runs {
            #expect(run.status == .complete, "\(run.id): \(run.error)")
            let steps = run.id.contains("steps=3") ? 3 : 4
            #expect(run.curves["loss"]?.count == steps)
            #expect(run.curves["step"] == (1...steps).map(Double.init))
            let table = try #require(run.eval["tiny-test"])
            #expect(table.names.starts(with: ["length", "perplexity", "loss", "tokens", "windows"]))
            #expect(table["length"] == .int([32, 64]))
            #expect(table["attention"] == .string(["full", "full"]))
            guard case .double(let ppl)? = table["perplexity"], case .double(let loss)? = table["loss"] else {
                Issue.record("perplexity and loss must be float columns"); continue
            }
            for (p, l) in zip(ppl, loss) { #expect(abs(p - exp(l)) < 1e-9 * p && p > 1 && p < 259) }
            let passkey = try #require(run.eval["passkey"])
            #expect(passkey["length"] == .int([256]) && passkey["trials"] == .int([2]))
            if case .double(let accuracy)? = passkey["accuracy"] { #expect(accuracy.allSatisfy { (0...1).contains($0) }) }
            let induction = try #require(run.eval["induction"])
            #expect(induction["length"] == .int([32]) && induction["trials"] == .int([2]))
            if case .double(let first)? = induction["first_copy_loss"], case .double(let second)? = induction["second_copy_loss"],
               case .double(let gain)? = induction["copy_gain"] {
                #expect(first[0] > 1 && second[0] > 0 && abs(gain[0] - (first[0] - second[0])) < 1e-12)
            } else { Issue.record("induction losses must be float columns") }
            #expect(run.metrics["resources"]?["wall_s"]?.number ?? 0 > 0)
            #expect(run.metrics["analytic"]?["flops_per_step"]?.number ?? 0 > 0)
            #expect(run.attributes["threads"] == .int(1))
            // Every metric written is in the schema (and so in docs/results-schema.md), stored
            // as the type listed there: counts such as peak_rss_bytes as int64.
            #expect(Set(run.metrics.keys) == Set(MetricSchema.groups.map(\.name)))
            for (group, values) in run.metrics {
                for (name, value) in values {
                    let metric = MetricSchema.metric(group: group, name: name)
                    #expect(metric != nil, "\(group)/\(name) is written but not in MetricSchema")
                    switch value {
                    case .int: #expect(metric?.kind == .int64, "\(group)/\(name) is int64 in the file")
                    case .double: #expect(metric?.kind == .float64, "\(group)/\(name) is float64 in the file")
                    case .string: Issue.record("\(group)/\(name) is a string")
                    }
                }
            }
            #expect(run.metrics["resources"]?["peak_rss_bytes"].map { if case .int(let x) = $0 { x > 0 } else { false } } == true)
        }
        // The layout defaults to a table with a row per setting (its label) and a column per length.
        let layout = try Layout.parse(file.header.layout, source: "header")
        #expect(layout.tables.map(\.name) == ["main"] && layout.tables[0].selection.rows == ["label"])
        let labels = try file.runs.map { try ConfigJSON($0.config, run: $0.id).label(at: "label") }
        #expect(labels == ["3 steps", "4 steps"])
        #expect(layout.figures.map(\.kind) == [.lines, .curves])

        let (again, _) = try run(microSpec(corpus: "tiny"))
        #expect(again.skipped.count == 2 && again.completed.isEmpty)

        // Only the run whose fine-tuning changed runs again; the base model is reused.
        let (changed, after) = try run(microSpec(corpus: "tiny", steps: "[3, 5]"))
        #expect(changed.skipped == ["steps=3,seed=0"] && changed.completed == ["steps=5,seed=0"])
        #expect(after.runs.count == 3)
        let bases = try FileManager.default.contentsOfDirectory(atPath: results.appendingPathComponent("cache").path)
            .filter { $0.hasPrefix("base-") }
        #expect(bases.count == 1)
    }
}
