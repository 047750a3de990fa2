import Foundation
import Support

extension ModelConfig {
    /// The shape and RoPE of the model at `url`, from its configuration alone: a Hugging Face
    /// `config.json`, a directory holding one, or a `.gguf` file (its header: the tensors are
    /// mapped, never read). The one resolver behind every `--model PATH`; the parsers are the
    /// ones `LlamaModel.load` uses. The shape may carry an `explicitHeadDim`.
    public static func read(from url: URL) throws -> (ModelConfig, RoPE) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw UserError("\(url.path): no such file or directory; expected a config.json, a Hugging Face model directory or a .gguf file")
        }
        if isDirectory.boolValue {
            let config = url.appendingPathComponent(LlamaModel.configFile)
            guard FileManager.default.fileExists(atPath: config.path) else {
                throw UserError("\(url.path): not a model directory (no \(LlamaModel.configFile))")
            }
            return try HFConfig.parseLlama(try HFConfig.readJSON(config), source: config.path)
        }
        switch url.pathExtension.lowercased() {
        case "gguf": return try GGUFLlama.configuration(try GGUFFile(url))
        case "json": return try HFConfig.parseLlama(try HFConfig.readJSON(url), source: url.path)
        default:
            throw UserError("\(url.path): expected a config.json, a Hugging Face model directory or a .gguf file")
        }
    }
}
