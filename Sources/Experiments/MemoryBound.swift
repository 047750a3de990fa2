import Foundation
import Model

/// A rough lower estimate of the memory one run needs, so that a spec asking for more than
/// the machine has is refused by `--dry-run` instead of failing (or being killed) at the
/// allocation. Computed in Double: no product of sizes can trap.
///
/// Parameters with their gradients and both AdamW moments (16 bytes each, as in full
/// fine-tuning), plus the activations the backward pass keeps for the largest number of
/// tokens one forward sees (a training step's batch, or the longest evaluation prompt):
/// per token and layer about 10 d + 4 ffn floats, and the logits twice (values, gradients).
struct MemoryBound {
    var bytes: Double
    var tokens: Int

    init(_ c: RunConfig) {
        let m = c.model
        let parameters = Double(m.vocabSize) * Double(m.dim) * 2
            + Double(m.nLayers) * (4 * Double(m.dim) * Double(m.dim) + 3 * Double(m.dim) * Double(m.ffnDim))
        tokens = ([c.base.tokensPerStep, c.finetune.training.tokensPerStep, c.evaluate.inductionLength] + c.evaluate.lengths + c.evaluate.passkeyLengths).max() ?? 0
        let perToken = Double(m.nLayers) * (10 * Double(m.dim) + 4 * Double(m.ffnDim)) + 2 * Double(m.vocabSize)
        bytes = 16 * parameters + 4 * perToken * Double(tokens)
    }

    static var available: Double { Double(ProcessInfo.processInfo.physicalMemory) }

    static func gib(_ bytes: Double) -> String { String(format: "%.1f GiB", bytes / Double(1 << 30)) }
}
