import Foundation
import Model
import Support

/// `--model` of the analytic commands: a preset name, or the path of a model's `config.json`,
/// Hugging Face directory or `.gguf` file (read by `ModelConfig.read`, configuration only).
struct ModelChoice {
    var config: ModelConfig
    /// What tables print in their model column: the preset, or the file or directory name.
    var label: String
    /// The .gguf file or the directory of the config (where a tokenizer would be); nil for a preset.
    var file: URL?
    var isPreset: Bool { file == nil }

    static let help = "A preset (\(ModelConfig.presets.map(\.name).joined(separator: ", "))), or a model's config.json, Hugging Face directory or .gguf file (only its configuration is read)."

    static func resolve(_ text: String) throws -> ModelChoice {
        if let preset = ModelConfig.presets.first(where: { $0.name == text }) {
            return ModelChoice(config: preset, label: preset.name, file: nil)
        }
        let url = URL(fileURLWithPath: text)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw UserError("unknown model '\(text)': not a preset (\(ModelConfig.presets.map(\.name).joined(separator: ", "))) and no such file or directory; expected a config.json, a Hugging Face model directory or a .gguf file")
        }
        let (config, _) = try ModelConfig.read(from: url)
        let named = url.lastPathComponent == LlamaModel.configFile ? url.deletingLastPathComponent() : url
        return ModelChoice(config: config, label: named.standardizedFileURL.lastPathComponent, file: named)
    }

    /// What the analytic models read of the shape, for the Markdown header.
    var shape: String {
        let c = config
        let heads = c.nKVHeads == c.nHeads ? "\(c.nHeads) heads" : "\(c.nHeads) heads sharing \(c.nKVHeads) key/value heads"
        return "\(label): \(c.parameterCount) parameters; d = \(c.dim), \(c.nLayers) layers, \(heads), head dim \(c.headDim), "
            + "FFN \(c.ffnDim), vocabulary \(c.vocabSize)\(c.isTied ? ", tied embeddings" : "")"
    }
}
