import Foundation
import Support

extension LlamaModel {
    /// PEFT's `modules_to_save` name of a base tensor that is trained outright (LoRA+'s
    /// embedding and norms, or the head), nil for a projection (which LoRA adapts).
    static func peftModule(of tensor: String) -> String? {
        switch tensor {
        case LlamaNames.embedding: return "embed_tokens"
        case LlamaNames.finalNorm: return "norm"
        case LlamaNames.head: return "lm_head"
        default:
            for module in ["input_layernorm", "post_attention_layernorm"] where tensor.hasSuffix(".\(module).weight") {
                return module
            }
            return nil
        }
    }

    /// The model before fine-tuning as PEFT needs it: `base`'s weights in this model's
    /// configuration and RoPE (position interpolation is part of the fine-tune, and an adapter
    /// cannot carry it), without adapters.
    public func peftBase(from base: LlamaModel, source: String) throws -> LlamaModel {
        let shape = { (c: ModelConfig) in [c.vocabSize, c.dim, c.nLayers, c.nHeads, c.nKVHeads, c.headDim, c.ffnDim, c.isTied ? 1 : 0] }
        guard shape(base.config) == shape(config) else {
            throw UserError("\(source): the base model's shape (vocabulary, width, layers, heads, KV heads, head width, FFN, tied) \(shape(base.config)) differs from the fine-tuned model's \(shape(config))")
        }
        let out = try LlamaModel(config: config, lora: nil, trainable: [], rope: rope)
        for spec in out.parameters.tensors { out.parameters.setValues(of: spec.name, base.parameters.values(of: spec.name)) }
        return out
    }

    /// Writes this model's LoRA adapters as a PEFT adapter over `base` (`peftBase(from:)`): `adapter_config.json` names `baseDirectory` and
    /// the modules whose weights differ from the base's (`modules_to_save`), and
    /// `adapter_model.safetensors` holds the A/B matrices and those modules' trained weights
    /// under PEFT's names (`base_model.model.` + the Hugging Face name). PEFT then gives the
    /// merged model: `PeftModel.from_pretrained(base, adapter)`. Returns `modules_to_save`.
    @discardableResult
    public func writePEFTAdapter(over base: LlamaModel, baseDirectory: String, source: String, into dir: URL) throws -> [String] {
        guard let lora else { throw UserError("\(source): the model has no LoRA adapters to export") }
        precondition(base.config == config && base.lora == nil, "writePEFTAdapter takes the base from peftBase(from:)")
        var saved: [String] = []
        for spec in base.parameters.tensors where base.parameters.values(of: spec.name) != parameters.values(of: spec.name) {
            guard let module = Self.peftModule(of: spec.name) else {
                throw UserError("\(source): tensor '\(spec.name)' differs from the base model's, and a PEFT LoRA adapter cannot carry a trained projection (a full fine-tune, or another base?)",
                                hint: "the merged model in the same export has every weight")
            }
            if !saved.contains(module) { saved.append(module) }
        }
        // A tied head is the embedding: PEFT keeps the tie only when told to, and reads both names.
        let tied = config.isTied && saved.contains("embed_tokens")
        var tensors = parameters.tensors.filter { $0.name.hasPrefix("base_model.") }.map { ($0.name, $0) }
        for spec in parameters.tensors where Self.peftModule(of: spec.name).map(saved.contains) == true {
            tensors.append(("base_model.model." + spec.name, spec))
        }
        if tied, let embedding = parameters.spec(LlamaNames.embedding) {
            tensors.append(("base_model.model." + LlamaNames.head, embedding))
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var adapterConfig = HFConfig.peftAdapter(lora, modulesToSave: saved, base: baseDirectory)
        if tied { adapterConfig["ensure_weight_tying"] = true }
        try HFConfig.writeJSON(adapterConfig, to: dir.appendingPathComponent(Self.adapterConfigFile))
        try Safetensors.write(tensors.map { name, spec in
            (name: name, shape: spec.shape,
             values: UnsafeBufferPointer(start: parameters.values.pointer + spec.offset, count: spec.count))
        }, metadata: ["format": "pt"], to: dir.appendingPathComponent(Self.adapterWeightsFile))
        return saved
    }
}
