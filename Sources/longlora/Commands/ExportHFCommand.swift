import ArgumentParser
import Data
import Evaluation
import Experiments
import Foundation
import Model
import Support
import Training

struct ExportHFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-hf",
        abstract: "Write a merged Hugging Face LLaMA directory with its tokenizer (plus base and PEFT adapter).",
        discussion: """
            Reads a checkpoint (a model directory, a run's checkpoint directory, or RESULTS.h5#RUN_ID), \
            merges its LoRA adapters into the base weights and writes config.json, \
            generation_config.json, model.safetensors and the tokenizer files that \
            transformers' from_pretrained and AutoTokenizer load; the special-token ids are the \
            tokenizer's. Position interpolation is kept as rope_scaling {"type": "linear"}. For a LoRA \
            checkpoint whose base is known (a run's checkpoint records it, or --base), DIR/base/ holds \
            that base (with the fine-tune's RoPE) and DIR/adapter/ a PEFT adapter over it, with the \
            trained embedding and norms as modules_to_save.
            """)

    @Argument(help: "Checkpoint: a model directory, a run's checkpoint directory, or RESULTS.h5#RUN_ID.")
    var checkpoint: String

    @Argument(help: "Output directory (must not exist unless --force).")
    var dir: String

    @Option(help: "Tokenizer to write: `byte`, a built corpus directory (data/NAME: its manifest's tokenizer), a directory with tokenizer.json, or a .gguf file. Default: the model's own, else its base's, else `byte` for a 259-token vocabulary.")
    var tokenizer: String?

    @Option(help: "The model the checkpoint was fine-tuned from (default: the base a run's checkpoint records); with it a LoRA checkpoint also gets base/ and adapter/.")
    var base: String?

    @Flag(help: "Replace an existing output directory.")
    var force = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        let out = URL(fileURLWithPath: dir)
        if FileManager.default.fileExists(atPath: out.path) && !force {
            throw UserError("\(out.path) already exists", hint: "longlora export-hf \(checkpoint) \(dir) --force")
        }
        let reference = try CheckpointReference(parsing: checkpoint)
        let baseURL = base.map { URL(fileURLWithPath: $0) } ?? reference.base
        let files = try tokenizerFiles(model: reference.model, base: baseURL)
        let written = try HFExport.export(checkpoint: reference.model, to: out, tokenizer: files, base: baseURL)
        guard !output.quiet else { return }
        print("wrote \(out.path) (merged weights: config.json, generation_config.json, model.safetensors, "
            + files.files.map(\.name).joined(separator: ", ") + ")")
        if let adapter = written.adapter, let basePath = written.base {
            print("wrote \(basePath.path) (the base model) and \(adapter.path) (PEFT adapter, modules_to_save: \(written.modulesToSave.joined(separator: ", ")))")
        }
    }

    /// The `--tokenizer` choice, else the tokenizer of the model or its base (`tokenizer.json`
    /// beside it, or a GGUF file's), else the byte tokenizer (the harness's only 259-token one).
    func tokenizerFiles(model: URL, base: URL?) throws -> HFTokenizerFiles {
        if let tokenizer {
            if tokenizer == "byte" { return try HFTokenizerFiles(harness: ByteTokenizer()) }
            let url = URL(fileURLWithPath: tokenizer)
            if FileManager.default.fileExists(atPath: url.appendingPathComponent(CorpusManifest.fileName).path) {
                return try HFTokenizerFiles(harness: try CorpusManifest.read(from: url).loadTokenizer(directory: url))
            }
            if FileManager.default.fileExists(atPath: url.appendingPathComponent(HFTokenizer.fileName).path) {
                return try HFTokenizerFiles(copying: url)
            }
            if url.pathExtension.lowercased() == "gguf" { return try ModelTokenizer.ggufFiles(GGUFFile(url)) }
            throw UserError("--tokenizer \(tokenizer): expected `byte`, a corpus directory with \(CorpusManifest.fileName), a directory with \(HFTokenizer.fileName), or a .gguf file")
        }
        for candidate in [model, base].compactMap({ $0 }) {
            if candidate.pathExtension.lowercased() == "gguf" { return try ModelTokenizer.ggufFiles(GGUFFile(candidate)) }
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(HFTokenizer.fileName).path) {
                return try HFTokenizerFiles(copying: candidate)
            }
        }
        let config = try HFConfig.parseLlama(try HFConfig.readJSON(model.appendingPathComponent(LlamaModel.configFile)),
                                             source: model.appendingPathComponent(LlamaModel.configFile).path).0
        guard config.vocabSize == ByteTokenizer.vocabSize else {
            throw UserError("\(checkpoint): a \(config.vocabSize)-token model has no tokenizer beside it (a BPE tokenizer trained on its corpus?)",
                            hint: "longlora export-hf \(checkpoint) \(dir) --tokenizer data/CORPUS")
        }
        return try HFTokenizerFiles(harness: ByteTokenizer())
    }
}
