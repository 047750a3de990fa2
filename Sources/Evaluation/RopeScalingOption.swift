import Foundation
import Model
import Support

/// The RoPE scaling an evaluation loads a checkpoint with: `--rope-scaling`.
///
/// The training-free baselines of the paper's Table 1 are a base model evaluated past
/// its training length with linear position interpolation (positions divided by F) or
/// with NTK-aware scaling (the RoPE base enlarged so the lowest frequency stretches by F),
/// without fine-tuning. `checkpoint` keeps whatever the checkpoint was trained with.
public enum RopeScalingOption: Hashable, Sendable, CustomStringConvertible {
    case checkpoint
    case none
    case linear(factor: Double)
    case ntk(factor: Double)

    /// Parses `checkpoint`, `none`, `linear:F` or `ntk:F` (F >= 1), or `linear:auto` /
    /// `ntk:auto` for the paper's factor ceil(length / trained length).
    public init(parsing text: String, evaluationLength: Int, trainedLength: Int) throws {
        switch text {
        case "checkpoint": self = .checkpoint; return
        case "none": self = .none; return
        default: break
        }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let usage = "--rope-scaling '\(text)': expected checkpoint, none, linear:F, ntk:F or <kind>:auto with F >= 1"
        guard parts.count == 2 else { throw UserError(usage) }
        let factor: Double
        if parts[1] == "auto" {
            factor = Self.positionInterpolationFactor(length: evaluationLength, trainedLength: trainedLength)
        } else {
            guard let value = Double(parts[1]), value.isFinite, value >= 1 else { throw UserError(usage) }
            factor = value
        }
        switch parts[0] {
        case "linear": self = .linear(factor: factor)
        case "ntk": self = .ntk(factor: factor)
        default: throw UserError(usage)
        }
    }

    /// The paper's factor for extending a model trained at `trainedLength` to `length`:
    /// ceil(length / trainedLength), and 1 when no extension is needed.
    public static func positionInterpolationFactor(length: Int, trainedLength: Int) -> Double {
        max(1, (Double(length) / Double(trainedLength)).rounded(.up))
    }

    /// The RoPE to evaluate with, given the checkpoint's. The base stays the checkpoint's
    /// `rope_theta` (for a checkpoint saved with NTK scaling that base already holds it).
    public func rope(checkpoint saved: RoPE) -> RoPE {
        switch self {
        case .checkpoint: return saved
        case .none: return RoPE(base: saved.base)
        case .linear(let f): return RoPE(base: saved.base, scaling: .positionInterpolation(factor: f))
        case .ntk(let f): return RoPE(base: saved.base, scaling: .ntkAware(factor: f))
        }
    }

    public var description: String {
        switch self {
        case .checkpoint: return "checkpoint"
        case .none: return "none"
        case .linear(let f): return "linear:\(formatDecimal(f))"
        case .ntk(let f): return "ntk:\(formatDecimal(f))"
        }
    }
}
