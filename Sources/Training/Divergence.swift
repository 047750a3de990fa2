import Foundation
import Support

/// When a training run has diverged although its loss may still be a number.
///
/// The uniform model, which gives every one of the V tokens probability 1/V, has loss ln V:
/// a freshly initialised model starts there and learning only goes below it. A run has
/// diverged when its loss rises above 2 ln V (perplexity above V squared: V times worse than
/// guessing), or when, after once going clearly below ln V (by `margin` of it), it stays at
/// or above ln V for `patience` steps in a row (weights saturated or collapsed into a
/// uniform guess: perplexity V exactly). The margin keeps a plateau at the uniform loss,
/// where noise dips a step just below it, from counting as learning (the copy task of
/// pretraining sits there for hundreds of steps before its induction head forms).
/// The rule reads only the step history, so a resumed run applies it as an uninterrupted one.
public enum Divergence {
    public static let patience = 25
    /// The share of ln V a loss must have gone below ln V by before a return to it counts.
    public static let margin = 0.01

    /// Throws a `UserError` naming the step and the loss when `history` ends diverged.
    public static func check(_ history: [TrainingStep], vocabSize: Int) throws {
        guard let last = history.last, vocabSize > 1 else { return }
        let uniform = Foundation.log(Double(vocabSize))
        let advice = "the run diverged (lower the learning rate, lora.alpha or weight_decay, or raise eps)"
        func text(_ x: Double) -> String { String(format: "%.4g", x) }
        if last.loss > 2 * uniform {
            throw UserError("step \(last.step): loss \(text(last.loss)) is above 2 ln V = \(text(2 * uniform)) (V = \(vocabSize) tokens): \(advice)")
        }
        guard history.count > patience else { return }
        let recent = history.suffix(patience)
        guard recent.allSatisfy({ $0.loss >= uniform }),
              let best = history.dropLast(patience).min(by: { $0.loss < $1.loss }), best.loss < uniform * (1 - margin) else { return }
        throw UserError("step \(last.step): loss has stayed at or above ln V = \(text(uniform)) (a uniform guess over \(vocabSize) tokens) for \(patience) steps after reaching \(text(best.loss)) at step \(best.step): \(advice)")
    }
}
