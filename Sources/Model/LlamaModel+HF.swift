import Foundation
import Support

extension LlamaModel {
    public static let configFile = "config.json"
    public static let weightsFile = "model.safetensors"
    public static let adapterConfigFile = "adapter_config.json"
    public static let adapterWeightsFile = "adapter_model.safetensors"
    public static let generationConfigFile = "generation_config.json"

    /// Writes `config.json` and `model.safetensors` (base weights, unmerged) into `dir`, plus
    /// the PEFT adapter files when the model carries LoRA. With `specialTokens` (an export
    /// with its tokenizer), `config.json` and `generation_config.json` name the tokenizer's
    /// BOS, EOS and PAD ids.
    public func writeHF(into dir: URL, specialTokens: HFConfig.SpecialTokens? = nil) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try HFConfig.writeJSON(HFConfig.llama(config, rope: rope, specialTokens: specialTokens),
                               to: dir.appendingPathComponent(Self.configFile))
        if let specialTokens {
            try HFConfig.writeJSON(HFConfig.generation(specialTokens), to: dir.appendingPathComponent(Self.generationConfigFile))
        }
        let base = parameters.tensors.filter { !$0.name.hasPrefix("base_model.") }
        try writeTensors(base, to: dir.appendingPathComponent(Self.weightsFile))
        if let lora {
            try HFConfig.writeJSON(HFConfig.peftAdapter(lora), to: dir.appendingPathComponent(Self.adapterConfigFile))
            let adapters = parameters.tensors.filter { $0.name.hasPrefix("base_model.") }
            try writeTensors(adapters, to: dir.appendingPathComponent(Self.adapterWeightsFile))
        }
    }

    private func writeTensors(_ specs: [TensorSpec], to url: URL) throws {
        try Safetensors.write(specs.map {
            (name: $0.name, shape: $0.shape,
             values: UnsafeBufferPointer(start: parameters.values.pointer + $0.offset, count: $0.count))
        }, metadata: ["format": "pt"], to: url)
    }

    /// Loads a directory written by `writeHF` or by transformers' `save_pretrained` (LLaMA
    /// family, safetensors in F32, F16 or BF16, single or sharded), or a `.gguf` file.
    /// Adapter files, if present, attach LoRA; otherwise `addLoRA` attaches fresh adapters
    /// (all zero until `initializeLoRA`), e.g. to fine-tune a base model.
    public static func load(from dir: URL, trainable: TrainableParts = .all, rope: RoPE? = nil,
                            addLoRA: LoRAConfig? = nil) throws -> LlamaModel {
        let model = dir.pathExtension.lowercased() == "gguf"
            ? try loadGGUF(dir, trainable: trainable, rope: rope, addLoRA: addLoRA)
            : try loadDirectory(dir, trainable: trainable, rope: rope, addLoRA: addLoRA)
        // A NaN weight would only show up as a perplexity of NaN, or trap deep in a kernel.
        if let bad = model.parameters.firstNonFinite() {
            throw UserError("\(dir.path): tensor '\(bad.tensor)' holds \(bad.value) at index \(bad.index): the weights must be finite (a diverged run's checkpoint?)")
        }
        return model
    }

    private static func loadDirectory(_ dir: URL, trainable: TrainableParts, rope: RoPE?, addLoRA: LoRAConfig?) throws -> LlamaModel {
        let configURL = dir.appendingPathComponent(configFile)
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw UserError("\(dir.path): not a model directory (no \(configFile))")
        }
        let (config, savedRope) = try HFConfig.parseLlama(try HFConfig.readJSON(configURL), source: configURL.path)
        do { try config.validate(); try savedRope.validate() } catch let e as UserError {
            throw UserError("\(configURL.path): \(e.message)")
        }
        let weights = try SafetensorsCheckpoint(directory: dir, weightsFile: weightsFile)
        // The shape is allocated before the weights are read: it must fit in them (2 bytes a weight at least).
        try checkFits(config, bytes: weights.byteCount, source: configURL.path, holder: weights.source)
        let adapterURL = dir.appendingPathComponent(adapterConfigFile)
        let hasAdapter = FileManager.default.fileExists(atPath: adapterURL.path)
        // Adapter weights without their config cannot be attached: loading the rest would
        // silently measure (or export) the bare base model.
        if !hasAdapter, FileManager.default.fileExists(atPath: dir.appendingPathComponent(adapterWeightsFile).path) {
            throw UserError("\(dir.path): has \(adapterWeightsFile) but no \(adapterConfigFile): the LoRA adapters cannot be attached without their rank, alpha and targets")
        }
        let lora = hasAdapter
            ? try HFConfig.parsePeftAdapter(try HFConfig.readJSON(adapterURL), source: adapterURL.path) : addLoRA
        if hasAdapter, let lora, lora.rank > config.dim {
            throw UserError("\(adapterURL.path): key 'r' is \(lora.rank), more than hidden_size \(config.dim)")
        }
        let model = try LlamaModel(config: config, lora: lora,
                                   trainable: lora == nil ? trainable.subtracting(.lora) : trainable,
                                   rope: rope ?? savedRope)
        try model.fill(from: weights, prefix: "model.")
        if hasAdapter {
            try model.fill(from: try SafetensorsCheckpoint(directory: dir, weightsFile: adapterWeightsFile),
                           prefix: "base_model.")
        }
        return model
    }

    /// Refuses a shape with more weights than `bytes` of weight files can hold (2 bytes each).
    static func checkFits(_ config: ModelConfig, bytes: Int, source: String, holder: String) throws {
        let count = config.checkedParameterCount ?? Int.max
        guard count <= bytes / 2 else {
            throw UserError("\(source): the shape (d = \(config.dim), \(config.nLayers) layers, ffn \(config.ffnDim), vocabulary \(config.vocabSize)) has \(count) weights, more than the \(bytes) bytes of \(holder) can hold")
        }
    }

    /// Copies every tensor whose name starts with `prefix` (or is `lm_head`) from the checkpoint's files.
    func fill(from checkpoint: SafetensorsCheckpoint, prefix: String) throws {
        var wanted = Set(parameters.tensors.lazy.map(\.name)
            .filter { $0.hasPrefix(prefix) || (prefix == "model." && $0 == LlamaNames.head) })
        try checkpoint.forEachFile { url, tensors in
            // Weights the shape has no place for mean the shape is wrong (a layer count too
            // small, an adapter target left out), not that they may be dropped.
            for name in tensors.keys.sorted() where !wanted.contains(name) {
                if let layer = LlamaNames.layer(of: name), layer >= config.nLayers {
                    throw UserError("\(url.path): tensor '\(name)' belongs to layer \(layer), but the model has \(config.nLayers) layers")
                }
                if prefix == "base_model.", name.contains(".lora_A.") || name.contains(".lora_B."), parameters.spec(name) == nil {
                    throw UserError("\(url.path): adapter tensor '\(name)' is not one of the adapters of the configuration (rank \(lora?.rank ?? 0), targets \(lora?.targets.map(\.peftName) ?? []))")
                }
            }
            for (name, t) in tensors where wanted.contains(name) {
                let spec = parameters.spec(name)!
                guard t.shape == spec.shape else {
                    throw UserError("\(url.path): tensor '\(name)' has shape \(t.shape), expected \(spec.shape)")
                }
                parameters.setValues(of: name, t.values)
                wanted.remove(name)
            }
        }
        if let missing = wanted.sorted().first {
            throw UserError("\(checkpoint.source): tensor '\(missing)' is missing"
                + (wanted.count > 1 ? " (and \(wanted.count - 1) more)" : ""))
        }
    }

    /// A copy without adapters whose projections are W + (alpha / r) B A: same outputs, plain LLaMA.
    public func merged() throws -> LlamaModel {
        let out = try LlamaModel(config: config, lora: nil, trainable: trainable.subtracting(.lora), rope: rope)
        for spec in out.parameters.tensors { out.parameters.setValues(of: spec.name, parameters.values(of: spec.name)) }
        if let lora {
            for l in 0..<config.nLayers {
                for t in lora.targets {
                    let names = LoRAConfig.names(layer: l, target: t)
                    let w = out.parameters.view(LlamaNames.weight(layer: l, target: t))
                    let a = parameters.view(names.a), b = parameters.view(names.b)
                    let (input, output) = t.shape(config)
                    BLASMerge.addProduct(w.value, b.value, a.value, rows: output, cols: input, rank: lora.rank,
                                         scale: lora.scaling)
                }
            }
        }
        return out
    }
}

/// Writes a directory atomically: built under a temporary name beside `url`, then renamed.
/// An existing directory at `url` is replaced only after the new one is complete.
public enum CheckpointDirectory {
    public static func write(_ url: URL, _ body: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let old = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).old-\(UUID().uuidString)")
        try AtomicFile.produce(url) { tmp in
            try fm.createDirectory(at: tmp, withIntermediateDirectories: false)
            try body(tmp)
            if fm.fileExists(atPath: url.path) { try fm.moveItem(at: url, to: old) }
        }
        try? fm.removeItem(at: old)
    }
}
