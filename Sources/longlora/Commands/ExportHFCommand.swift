import ArgumentParser
import Foundation
import Model
import Support
import Training

struct ExportHFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-hf",
        abstract: "Write a merged Hugging Face LLaMA directory (plus PEFT adapter files).",
        discussion: """
            Reads a checkpoint directory (config.json, model.safetensors and, for LoRA runs, the PEFT \
            adapter_config.json / adapter_model.safetensors it already contains), merges the adapters \
            into the base weights and writes config.json + model.safetensors that \
            transformers.LlamaForCausalLM.from_pretrained loads. Position interpolation is kept as \
            rope_scaling {"type": "linear"}.
            """)

    @Argument(help: "Checkpoint directory.")
    var checkpoint: String

    @Argument(help: "Output directory (must not exist unless --force).")
    var dir: String

    @Flag(help: "Replace an existing output directory.")
    var force = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        let out = URL(fileURLWithPath: dir)
        if FileManager.default.fileExists(atPath: out.path) && !force {
            throw UserError("\(out.path) already exists", hint: "longlora export-hf \(checkpoint) \(dir) --force")
        }
        try HFExport.export(checkpoint: URL(fileURLWithPath: checkpoint), to: out)
        if !output.quiet { print("wrote \(out.path) (merged weights, config.json, model.safetensors)") }
    }
}
