import Metrics

extension FinetuneRecipe {
    /// The recipe in the analytic models' terms (Metrics): the method follows the trainable
    /// parts (`all`: full fine-tuning; with `embed`: LongLoRA's LoRA+; else LoRA), the
    /// attention and the group, as a fraction of the context, follow the recipe.
    func fineTuneSetup(checkpointing: Bool, flashAttention: Bool) throws -> FineTuneSetup {
        let method: FineTuneMethod = isFullFinetune ? .full : (trainable.contains(.embed) ? .longlora : .lora)
        var ratio = 1.0
        if let g = try attention.group(group, length: context) { ratio = Double(g) / Double(context) }
        return FineTuneSetup(method: method, loraRank: lora.rank, attention: attention, groupRatio: ratio,
                             checkpointing: checkpointing, flashAttention: flashAttention)
    }
}
