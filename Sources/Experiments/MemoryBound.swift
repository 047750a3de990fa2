import Foundation
import Model
import Training

/// A rough lower estimate of the memory one run needs, so that a spec asking for more than
/// the machine has is refused by `--dry-run` instead of failing (or being killed) at the
/// allocation. Computed in Double: no product of sizes can trap.
///
/// Parameters with their gradients and both AdamW moments (16 bytes each, as in full
/// fine-tuning), plus the larger of two activation sets: a training micro-batch's (of the
/// stages that train: a given checkpoint or `steps: 0` trains nothing), which keeps
/// per token and layer about 6 d + 4 a + 4 ffn floats, and the longest evaluation forward's,
/// which keeps two residual streams and one layer's activations (about 6 d + 4 a + 3 ffn per
/// token: nothing runs backward); and one chunk of the output head's logits (at most 8M).
/// a is the attention width, heads x head width: d unless a checkpoint's `head_dim` says
/// otherwise; q, k, v and the attention output (and their gradients) are counted at a.
struct MemoryBound {
    var bytes: Double
    var tokens: Int

    init(_ c: RunConfig) {
        let m = c.model
        let d = Double(m.dim), a = Double(m.attentionDim), f = Double(m.ffnDim), layers = Double(m.nLayers)
        let v = Double(m.vocabSize)
        let parameters = v * d * 2 + layers * (4 * d * a + 3 * d * f)
        // A micro-batch's tokens, of the stages that train (accumulation keeps no more).
        func micro(_ t: TrainingConfig) -> Int { t.steps > 0 ? t.batchSize * t.length : 0 }
        let training = max(c.baseCheckpoint == nil ? micro(c.base) : 0, micro(c.finetune.training))
        let evaluation = ([c.evaluate.inductionLength] + c.evaluate.lengths + c.evaluate.passkeyLengths).max() ?? 0
        tokens = max(training, evaluation)
        let trainingPerToken = layers * (6 * d + 4 * a + 4 * f)
        let inferencePerToken = 6 * d + 4 * a + 3 * f
        let logits = min(Double(tokens) * v, Double(Execution.headLogits))
        bytes = 16 * parameters + 4 * (max(trainingPerToken * Double(training), inferencePerToken * Double(evaluation)) + logits)
    }

    static var available: Double { Double(ProcessInfo.processInfo.physicalMemory) }

    static func gib(_ bytes: Double) -> String { String(format: "%.1f GiB", bytes / Double(1 << 30)) }
}
