import Foundation
import Support

/// Learning rate as a function of the 0-based optimizer step.
/// Warm-up is linear: step s < warmup uses lr * (s + 1) / warmup (so the first step is not wasted
/// at lr 0, unlike Hugging Face's s / warmup); then constant, or cosine down to `minRatio * lr`
/// at `totalSteps`.
public enum LearningRateSchedule: Codable, Hashable, Sendable {
    /// The paper's: 20 warm-up steps, then constant.
    case constant(warmup: Int)
    case cosine(warmup: Int, totalSteps: Int, minRatio: Double)

    public func rate(_ base: Double, step s: Int) -> Double {
        switch self {
        case .constant(let warmup):
            return s < warmup ? base * Double(s + 1) / Double(warmup) : base
        case .cosine(let warmup, let total, let minRatio):
            if s < warmup { return base * Double(s + 1) / Double(warmup) }
            let span = max(1, total - warmup)
            let progress = min(1, Double(s - warmup) / Double(span))
            return base * (minRatio + (1 - minRatio) * 0.5 * (1 + cos(.pi * progress)))
        }
    }

    /// Parses `constant`, or `cosine` (warm-up and total steps come from the training config).
    public static func named(_ name: String, warmup: Int, totalSteps: Int, minRatio: Double = 0.1) throws -> Self {
        switch name {
        case "constant": return .constant(warmup: warmup)
        case "cosine": return .cosine(warmup: warmup, totalSteps: totalSteps, minRatio: minRatio)
        default: throw UserError("learning-rate schedule '\(name)' is unknown; expected constant or cosine")
        }
    }
}
