import Data
import Evaluation
import Foundation
import Model
import Results
import Support
import Testing
import Training
@testable import Experiments

/// `base: {checkpoint: PATH}` and `data.tokenizer: model`: a spec fine-tunes and evaluates a
/// given model. The model here is a tiny LLaMA with grouped-query attention and tied
/// embeddings, and a byte-level BPE tokenizer, all written by transformers in the pinned
/// virtualenv (`scripts/setup.sh`).
@Suite(.serialized) struct BaseCheckpointTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let python = root.appendingPathComponent(".venv-hf/bin/python")

    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("base-checkpoint-\(UUID().uuidString)")
    var data: URL { dir.appendingPathComponent("data") }
    var results: URL { dir.appendingPathComponent("results") }
    var model: URL { dir.appendingPathComponent("tiny-llama") }

    /// The tiny model (vocabulary from a BPE trained on the corpus text, 4 heads over 2 key/value
    /// heads, tied embeddings, trained context 64), its tokenizer, and transformers' logits of
    /// `ids` for the comparisons below.
    static let script = #"""
    import json, sys
    import torch, transformers
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers, decoders
    out, text = sys.argv[1], open(sys.argv[2]).read().splitlines()
    torch.manual_seed(0)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(text, trainers.BpeTrainer(vocab_size=320, special_tokens=["<s>", "</s>"],
                            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>")
    cfg = transformers.LlamaConfig(vocab_size=tok.get_vocab_size(), hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                                   num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True,
                                   max_position_embeddings=64, rms_norm_eps=1e-5, bos_token_id=0, eos_token_id=1,
                                   rope_parameters={"rope_type": "default", "rope_theta": 10000.0})
    model = transformers.LlamaForCausalLM(cfg)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    model.save_pretrained(out)
    fast.save_pretrained(out)
    print(json.dumps({"vocab": tok.get_vocab_size()}))
    """#

    /// Writes the corpus text and the model; returns the model's vocabulary size.
    func makeModel() throws -> Int {
        try #require(FileManager.default.isExecutableFile(atPath: Self.python.path),
                     "\(Self.python.path) is missing: run `bash scripts/setup.sh`")
        try buildTinyCorpus(named: "tiny", in: data)
        let script = dir.appendingPathComponent("make_model.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let result = try #require(Shell.run(["HF_HUB_OFFLINE=1", "TRANSFORMERS_VERBOSITY=error", Self.python.path, script.path,
                                             model.path, data.appendingPathComponent("tiny.txt").path]))
        try #require(result.status == 0, "python failed: \(String(decoding: result.stderr, as: UTF8.self))")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Int])
        return try #require(report["vocab"])
    }

    func spec(steps: String = "[0, 3]", extra: String = "") -> String {
        """
        experiment: given
        data: {corpus: tiny, tokenizer: model}
        base: {checkpoint: \(model.path)}
        finetune:
          context: 128
          attention: s2
          trainable: [lora, embed, norm]
          lora: {rank: 4, alpha: 8}
          optimizer: {lr: 2.0e-3}
          warmup: 1
          batch_tokens: 256
          checkpoint_every: 0
        evaluate: {datasets: [test], lengths: [64, 128], stride: 64, max_windows: 2,
                   passkey: {lengths: [256], trials: 1}, induction: {length: 32, trials: 2}}
        grid:
          finetune.steps: \(steps)
        \(extra)
        """
    }

    func run(_ yaml: String) throws -> (Runner.Summary, ResultFile, [PlannedRun]) {
        let spec = try SpecParser.parse(yaml, file: "given.yaml")
        let runs = try Sweep.expand(spec)
        let file = results.appendingPathComponent("given.h5")
        let store = try ResultStore.open(file, header: try ResultHeaderBuilder.header(spec, runs: runs))
        let runner = Runner(
            data: CorpusDataStage(dataDirectory: data), pretrain: LlamaPretrainStage(dataDirectory: data),
            finetune: LlamaFinetuneStage(dataDirectory: data), evaluate: PerplexityEvaluateStage(dataDirectory: data),
            recorder: ResultFileRecorder(store: store, threads: 1), resultsDirectory: results, dataDirectory: data,
            code: "code", provenance: Provenance.current(), progress: Progress.silent)
        return (try runner.run(runs), try ResultFile.read(file), runs)
    }

    /// The spec's runs read the given model: its shape, its trained context (position
    /// interpolation 2 at 128), its tokenizer for every corpus (a folder of its own beside the
    /// byte build), and the run without fine-tuning measures exactly the checkpoint.
    @Test func aSpecFineTunesAndEvaluatesAGivenModel() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let vocab = try makeModel()
        let (summary, file, runs) = try run(spec())
        #expect(summary.failed.isEmpty && summary.completed.count == 2, "\(file.runs.map(\.error))")
        let config = runs[0].config
        #expect(config.model.vocabSize == vocab && config.model.nKVHeads == 2 && config.model.isTied && config.model.dim == 64)
        #expect(config.base.length == 64 && config.finetune.positionInterpolation == 2)
        #expect(runs[0].values.inapplicable["model.dim"] != nil && runs[0].values.inapplicable["base.steps"] != nil)
        #expect(runs[0].canonicalJSON.contains("\"checkpoint_sha256\""))

        // Corpus under the model's tokenizer, beside the byte build of the same corpus.
        let tokenizer = try #require(try ModelTokenizer.load(model))
        let folder = data.appendingPathComponent("tiny@\(tokenizer.id)")
        #expect(try CorpusManifest.read(from: folder).tokenizer.id == tokenizer.id)
        #expect(try CorpusManifest.read(from: data.appendingPathComponent("tiny")).tokenizer.id == "byte")

        // Steps 0: the checkpoint itself, with position interpolation 2, on the model-tokenized test split.
        let plain = try #require(file.run("steps=0,seed=0")?.eval["tiny-test"])
        let measured = try LlamaModel.load(from: model, trainable: [], rope: RoPE(base: 10000, scaling: .positionInterpolation(factor: 2)))
        let stream = try DataSource.parse("tiny@\(tokenizer.id):test", dataDirectory: data).load(tokenizer: tokenizer)
        let ids = stream.tokens.tokens(0..<stream.tokens.count)
        let expected = try PerplexityEvaluator(protocol: .longlora, stride: 64, attention: .full, maxWindows: 2)
            .evaluate(LlamaLanguageModel(measured, execution: Execution(threads: 1)), stream: ids, length: 128, data: "tiny")
        let column = try #require(plain["perplexity"])
        #expect(column.count == 2)
        let perplexity = try #require(column[1].number)
        #expect(abs(perplexity - expected.perplexity) <= 1e-9 * expected.perplexity, "\(perplexity) vs \(expected.perplexity)")
        // Passkey prompts and the induction probe ran with the model's ids.
        let tuned = try #require(file.run("steps=3,seed=0"))
        #expect(tuned.status == .complete && tuned.eval["passkey"] != nil && tuned.eval["induction"] != nil)
        #expect(tuned.curves["loss"]?.count == 3)

        // The fine-tuned run exports as a merged Hugging Face model of the same shape, tied.
        let metadata = try #require(try CheckpointMetadata.read(from: results.appendingPathComponent(tuned.checkpoint)))
        let exported = dir.appendingPathComponent("exported")
        try HFExport.export(checkpoint: metadata.modelURL(in: results.appendingPathComponent(tuned.checkpoint)), to: exported, tokenizer: nil)
        let reread = try LlamaModel.load(from: exported, trainable: [])
        #expect(reread.config.nKVHeads == 2 && reread.config.isTied && reread.config.vocabSize == vocab)
        #expect(reread.parameters.values(of: LlamaNames.embedding) != measured.parameters.values(of: LlamaNames.embedding))
    }

    /// A checkpoint given by path (`--set base.checkpoint=DIR/NAME`, or a grid over paths)
    /// names its runs by the path's last component, since a run's name holds no '/'; two
    /// paths with the same last component are refused instead of sharing a name.
    @Test func aPathInARunsNameIsItsLastComponent() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try makeModel()
        let twin = dir.appendingPathComponent("other").appendingPathComponent("tiny-llama")
        try FileManager.default.createDirectory(at: twin.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: model, to: twin)
        let runs = try expand(spec(steps: "[3]"), set: ["base.checkpoint=\(model.path)"])
        #expect(runs.map(\.id) == ["steps=3,checkpoint=tiny-llama,seed=0"], "\(runs.map(\.id))")
        let both = spec(steps: "[3]", extra: "  base.checkpoint: [\(model.path), \(twin.path)]")
        let error = #expect(throws: UserError.self) { try expand(both) }
        #expect(error?.message.contains("would both be named") == true, "\(error?.message ?? "")")
    }

    /// The digest of the model's files is in the hash: one byte edited, new hashes; a key the
    /// run does not read (`model.dim`) changes nothing.
    @Test func theHashFollowsTheCheckpointsBytes() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try makeModel()
        let version = CodeVersion(dataManifests: ["tiny": "m"], code: "c")
        let before = try expand(spec(steps: "[3]"))[0]
        let ignored = try expand(spec(steps: "[3]"), set: ["model.dim=96", "base.steps=7"])[0]
        #expect(ignored.canonicalJSON == before.canonicalJSON)
        let config = model.appendingPathComponent("config.json")
        var text = try String(contentsOf: config, encoding: .utf8)
        text += " "
        try text.write(to: config, atomically: true, encoding: .utf8)
        let after = try expand(spec(steps: "[3]"))[0]
        #expect(after.hash(version) != before.hash(version))
        #expect(after.baseHash(version) != before.baseHash(version))
        #expect(after.finetuneHash(version) != before.finetuneHash(version))
    }

    /// Bad checkpoints and impossible tokenizer choices are refused at validation, naming the
    /// key and the file.
    @Test func badCheckpointsAreSpecErrors() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let missing = dir.appendingPathComponent("nowhere.gguf").path
        let message = try #require(specError("experiment: t\nbase: {checkpoint: \(missing)}\n"))
        #expect(message.contains("base.checkpoint") && message.contains(missing) && message.contains("no such file"))
        let text = dir.appendingPathComponent("notes.txt")
        try "hello".write(to: text, atomically: true, encoding: .utf8)
        let notModel = try #require(specError("experiment: t\nbase: {checkpoint: \(text.path)}\n"))
        #expect(notModel.contains("base.checkpoint") && notModel.contains(text.path) && notModel.contains("not a model"))
        let fakeGGUF = dir.appendingPathComponent("fake.gguf")
        try "GGUX".write(to: fakeGGUF, atomically: true, encoding: .utf8)
        let badGGUF = try #require(specError("experiment: t\nbase: {checkpoint: \(fakeGGUF.path)}\n"))
        #expect(badGGUF.contains("base.checkpoint") && badGGUF.contains(fakeGGUF.path) && badGGUF.contains("GGUF"))
        let noCheckpoint = try #require(specError("experiment: t\ndata: {tokenizer: model}\n"))
        #expect(noCheckpoint.contains("data.tokenizer") && noCheckpoint.contains("base.checkpoint"))
    }

    @Test func tokenizerChoicesMustFitTheCheckpoint() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let vocab = try makeModel()
        let byte = try #require(specError("experiment: t\nbase: {checkpoint: \(model.path)}\n"))
        #expect(byte.contains("data.tokenizer") && byte.contains("\(vocab) token ids") && byte.contains("byte tokenizer"))
        let wrongVocab = try #require(specError("experiment: t\ndata: {tokenizer: model, vocab: 300}\nbase: {checkpoint: \(model.path)}\n"))
        #expect(wrongVocab.contains("data.vocab") && wrongVocab.contains("not 300"))
        // A tokenizer whose vocabulary is not the model's.
        let tokenizerFile = model.appendingPathComponent("tokenizer.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: tokenizerFile)) as? [String: Any])
        var bpe = try #require(json["model"] as? [String: Any])
        var table = try #require(bpe["vocab"] as? [String: Int])
        table["zzzz-extra"] = table.count
        bpe["vocab"] = table
        json["model"] = bpe
        try JSONSerialization.data(withJSONObject: json).write(to: tokenizerFile)
        let mismatch = try #require(specError("experiment: t\ndata: {tokenizer: model}\nbase: {checkpoint: \(model.path)}\n"))
        #expect(mismatch.contains("base.checkpoint") && mismatch.contains("\(vocab + 1) ids") && mismatch.contains("vocabulary \(vocab)"))
        // No tokenizer at all.
        try FileManager.default.removeItem(at: tokenizerFile)
        let none = try #require(specError("experiment: t\ndata: {tokenizer: model}\nbase: {checkpoint: \(model.path)}\n"))
        #expect(none.contains("data.tokenizer") && none.contains("ships no tokenizer"))
    }

    /// Runs that do not name a checkpoint keep their configuration, and so their hashes, as the
    /// committed regression baseline recorded them before the key existed.
    @Test func runsWithoutACheckpointKeepTheirRecordedConfigs() throws {
        let spec = try SpecParser.load(Self.root.appendingPathComponent("experiments/regression-micro.yaml"))
        let file = try ResultFile.read(Self.root.appendingPathComponent("results/baselines/regression-micro.h5"))
        let runs = try Sweep.expand(spec)
        var compared = 0
        for run in runs {
            guard let recorded = file.run(run.id) else { continue }
            #expect(recorded.config == run.recordedConfig, "\(run.id)")
            compared += 1
        }
        #expect(compared == runs.count)
    }
}
