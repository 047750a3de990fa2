import Data
import Foundation
import Testing
import Experiments
import Results
import Support

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
               passkey: {lengths: [256], trials: 2}}
    grid:
      finetune.steps: \(steps)

    """
}

@Suite struct EndToEndTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
    var data: URL { root.appendingPathComponent("data") }
    var results: URL { root.appendingPathComponent("results") }

    /// Runs a spec through the real stages into `results/micro.h5`.
    func run(_ yaml: String, commit: String? = nil) throws -> (Runner.Summary, ResultFile) {
        let spec = try SpecParser.parse(yaml, file: "micro.yaml", overrides: [])
        let runs = try Sweep.expand(spec)
        let url = results.appendingPathComponent("micro.h5")
        let store = try ResultStore.open(url, header: try ResultHeaderBuilder.header(spec, runs: runs))
        let runner = Runner(
            data: CorpusDataStage(dataDirectory: data), pretrain: LlamaPretrainStage(dataDirectory: data),
            finetune: LlamaFinetuneStage(dataDirectory: data), evaluate: PerplexityEvaluateStage(dataDirectory: data),
            recorder: ResultFileRecorder(store: store, threads: 1), resultsDirectory: results, dataDirectory: data,
            provenance: provenance(commit: commit), progress: Progress.silent)
        let summary = try runner.run(runs)
        return (summary, try ResultFile.read(url))
    }

    func provenance(commit: String?) -> Provenance {
        var p = Provenance.current()
        if let commit { p.gitCommit = commit }
        return p
    }

    /// A result file made by other code (a committed file, then a new commit) holds complete
    /// runs under the ids about to run: it is archived whole, not rewritten, and the runs redone.
    @Test func aResultFileOfAnotherCodeVersionIsArchivedNotRewritten() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try buildTinyCorpus(named: "tiny", in: data)
        let spec = microSpec(corpus: "tiny", steps: "[3]")
        let (_, old) = try run(spec, commit: "aaaa")
        let (again, new) = try run(spec, commit: "bbbb")
        #expect(again.completed == ["steps=3,seed=0"] && again.failed.isEmpty)
        #expect(new.runs.count == 1 && new.runs[0].status == .complete)
        #expect(new.runs[0].configHash != old.runs[0].configHash)
        let archive = results.appendingPathComponent("archive")
        let kept = try FileManager.default.contentsOfDirectory(atPath: archive.path)
        #expect(kept.count == 1)
        #expect(try ResultFile.read(archive.appendingPathComponent(kept[0])).runs == old.runs)
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
            #expect(run.metrics["resources"]?["wall_s"]?.number ?? 0 > 0)
            #expect(run.metrics["analytic"]?["flops_per_step"]?.number ?? 0 > 0)
            #expect(run.attributes["threads"] == .int(1))
        }
        // The layout defaults to a table with a row per swept value and a column per length.
        let layout = try Layout.parse(file.header.layout, source: "header")
        #expect(layout.tables.map(\.name) == ["main"] && layout.tables[0].selection.rows == ["finetune.steps"])
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
