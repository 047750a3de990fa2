import Foundation
import Support

extension LlamaModel {
    /// Loads a llama-architecture GGUF file (see `GGUFLlama`), every tensor dequantized to float32.
    static func loadGGUF(_ url: URL, trainable: TrainableParts, rope: RoPE?, addLoRA: LoRAConfig?) throws -> LlamaModel {
        let file = try GGUFFile(url)
        let (config, savedRope) = try GGUFLlama.configuration(file)
        do { try config.validate() } catch let e as UserError { throw UserError("\(url.path): \(e.message)") }
        // The shape is allocated before the weights are read: it must fit in the file (a
        // quantized weight takes at least half a byte).
        let count = config.checkedParameterCount ?? Int.max
        guard count / 2 <= file.data.count else {
            throw UserError("\(url.path): the shape (llama.embedding_length \(config.dim), llama.block_count \(config.nLayers), llama.feed_forward_length \(config.ffnDim), vocabulary \(config.vocabSize)) has \(count) weights, more than the file's \(file.data.count) bytes can hold")
        }
        for name in file.tensorNames {
            if let layer = LlamaNames.layer(of: name), layer >= config.nLayers {
                throw UserError("\(url.path): tensor '\(name)' belongs to layer \(layer), but llama.block_count is \(config.nLayers)")
            }
        }
        let model = try LlamaModel(config: config, lora: addLoRA,
                                   trainable: addLoRA == nil ? trainable.subtracting(.lora) : trainable,
                                   rope: rope ?? savedRope)
        for spec in model.parameters.tensors where !spec.name.hasPrefix("base_model.") {
            guard let name = GGUFLlama.ggufName(spec.name), let info = file.tensors[name] else {
                throw UserError("\(url.path): tensor '\(GGUFLlama.ggufName(spec.name) ?? spec.name)' is missing")
            }
            guard info.shape == spec.shape else {
                throw UserError("\(url.path): tensor '\(name)' has shape \(info.shape), expected \(spec.shape)")
            }
            var values = file.values(of: info)
            if name.hasSuffix("attn_q.weight") || name.hasSuffix("attn_k.weight") {
                let heads = name.hasSuffix("attn_q.weight") ? config.nHeads : config.nKVHeads
                values = GGUFLlama.unpermuteRows(values, heads: heads, columns: config.dim)
            }
            model.parameters.setValues(of: spec.name, values)
        }
        return model
    }
}
