import Foundation

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

    /// The schedules by name, as a spec writes them (`base.schedule`, `finetune.schedule`).
    public enum Kind: String, CaseIterable, Sendable {
        case constant, cosine
    }

    /// The schedule of `kind`; cosine decays to `minRatio` of the peak at `totalSteps`.
    public init(_ kind: Kind, warmup: Int, totalSteps: Int, minRatio: Double = 0.1) {
        switch kind {
        case .constant: self = .constant(warmup: warmup)
        case .cosine: self = .cosine(warmup: warmup, totalSteps: totalSteps, minRatio: minRatio)
        }
    }

    public var kind: Kind {
        switch self {
        case .constant: return .constant
        case .cosine: return .cosine
        }
    }
}
