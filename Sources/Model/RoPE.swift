import CVectorKernels
import Foundation
import Kernels
import Support

/// How RoPE is stretched to a longer context than the base model saw.
public enum RoPEScaling: Hashable, Codable, Sendable {
    case none
    /// Linear position interpolation (Chen et al. 2023): position p is rotated as p / factor.
    /// This is what LongLoRA fine-tunes with (factor = ceil(target / original)); Hugging Face
    /// calls it `rope_scaling {"type": "linear"}`.
    case positionInterpolation(factor: Double)
    /// NTK-aware scaling, the paper's training-free baseline: base' = base * f^(hd / (hd - 2)).
    case ntkAware(factor: Double)
    /// Llama 3.1's frequency-dependent scaling (Hugging Face `rope_type: llama3`): wavelengths
    /// longer than originalContext / lowFrequencyFactor are interpolated by `factor`, shorter
    /// than originalContext / highFrequencyFactor kept, and those between blended smoothly.
    case llama3(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double, originalContext: Int)
    /// Dynamic NTK (Hugging Face `rope_type: dynamic`): NTK-aware scaling whose base follows the
    /// sequence length L seen, base * (factor * L / originalContext - (factor - 1))^(hd / (hd - 2))
    /// with L at least originalContext (so the plain base up to it).
    case dynamicNTK(factor: Double, originalContext: Int)
    /// YaRN (Peng et al. 2023, Hugging Face `rope_type: yarn`): frequencies that turn fewer than
    /// betaSlow times over originalContext are interpolated by `factor`, more than betaFast times
    /// kept, a linear ramp between (over dimension pairs, its ends rounded out if `truncate`);
    /// cos and sin are multiplied by `attentionFactor`.
    case yarn(factor: Double, originalContext: Int, betaFast: Double, betaSlow: Double,
              attentionFactor: Double, truncate: Bool)
}

/// How a spec stretches RoPE by its position-interpolation factor (`finetune.rope_scaling`).
public enum PositionScaling: String, CaseIterable, Hashable, Sendable {
    /// Divide the positions: linear position interpolation, the paper's method.
    case linear
    /// Raise the base instead: NTK-aware scaling, the paper's other training-free baseline.
    case ntk

    /// The RoPE scaling for `factor` (none at 1 or below).
    public func scaling(factor: Double) -> RoPEScaling {
        guard factor > 1 else { return .none }
        switch self {
        case .linear: return .positionInterpolation(factor: factor)
        case .ntk: return .ntkAware(factor: factor)
        }
    }
}

/// Rotary position embedding, in Hugging Face's rotate-half layout: dimension i pairs with
/// i + hd/2 and turns by angle position * base^(-2i/hd). (Matching HF is what makes exported
/// checkpoints give the same logits in `transformers`.)
public struct RoPE: Hashable, Codable, Sendable {
    public var base: Double
    public var scaling: RoPEScaling

    public init(base: Double = 10000, scaling: RoPEScaling = .none) {
        self.base = base
        self.scaling = scaling
    }

    /// The base actually used for the frequencies (differs only under NTK-aware scaling, and
    /// under dynamic NTK once `sequenceLength`, the positions 0..<sequenceLength seen, exceeds
    /// the original context; nil: not past it).
    public func effectiveBase(headDim hd: Int, sequenceLength: Int? = nil) -> Double {
        let exponent = Double(hd) / Double(hd - 2)
        switch scaling {
        case .ntkAware(let f): return base * pow(f, exponent)
        case .dynamicNTK(let f, let original):
            let length = Double(max(sequenceLength ?? original, original)), context = Double(original)
            return base * pow(f * length / context - (f - 1), exponent)
        default: return base
        }
    }

    /// The factor cos and sin are multiplied by (YaRN's attention scaling; 1 otherwise).
    public var attentionFactor: Double {
        if case .yarn(_, _, _, _, let a, _) = scaling { return a }
        return 1
    }

    /// The position fed to the rotation.
    public func scaledPosition(_ p: Int) -> Double {
        if case .positionInterpolation(let f) = scaling { return Double(p) / f }
        return Double(p)
    }

    public var interpolationFactor: Double {
        if case .positionInterpolation(let f) = scaling { return f }
        return 1
    }

    /// The base must exceed this: the frequencies base^(-2i/hd) must fall with i.
    public static let minimumBase = 1.0

    public func validate() throws {
        guard base > Self.minimumBase, base.isFinite else { throw UserError("RoPE base must be finite and > 1, got \(base)") }
        switch scaling {
        case .none: break
        case .positionInterpolation(let f), .ntkAware(let f):
            guard f >= 1, f.isFinite else { throw UserError("RoPE scaling factor must be >= 1, got \(f)") }
        case .llama3(let f, let low, let high, let original):
            guard f >= 1, f.isFinite, low > 0, high > low, original > 0 else {
                throw UserError("llama3 RoPE scaling needs factor >= 1, 0 < low_freq_factor < high_freq_factor and an original context, got \(f), \(low), \(high), \(original)")
            }
        case .dynamicNTK(let f, let original):
            guard f >= 1, f.isFinite, original > 0 else {
                throw UserError("dynamic RoPE scaling needs factor >= 1 and an original context > 0, got \(f), \(original)")
            }
        case .yarn(let f, let original, let fast, let slow, let attention, _):
            guard f >= 1, f.isFinite, original > 0, fast > 0, slow > 0, fast.isFinite, slow.isFinite,
                  attention > 0, attention.isFinite else {
                throw UserError("yarn RoPE scaling needs factor >= 1, an original context > 0, beta_fast and beta_slow > 0 and an attention factor > 0, got \(f), \(original), \(fast), \(slow), \(attention)")
            }
        }
    }

    /// The angular frequency of dimension pair i (of hd/2), for a sequence of positions
    /// 0..<sequenceLength (which only dynamic NTK depends on).
    public func frequency(_ i: Int, headDim hd: Int, sequenceLength: Int? = nil) -> Double {
        let f = pow(effectiveBase(headDim: hd, sequenceLength: sequenceLength), -2 * Double(i) / Double(hd))
        switch scaling {
        case .llama3(let factor, let low, let high, let original):
            let wavelength = 2 * Double.pi / f, context = Double(original)
            if wavelength < context / high { return f }
            if wavelength > context / low { return f / factor }
            let smooth = (context / wavelength - low) / (high - low)
            return (1 - smooth) * f / factor + smooth * f
        case .yarn(let factor, let original, let fast, let slow, _, let truncate):
            // The dimension (of hd) whose frequency turns `rotations` times over the original context.
            func dimension(_ rotations: Double) -> Double {
                Double(hd) * Foundation.log(Double(original) / (rotations * 2 * Double.pi)) / (2 * Foundation.log(base))
            }
            var low = dimension(fast), high = dimension(slow)
            if truncate { low = low.rounded(.down); high = high.rounded(.up) }
            low = max(low, 0); high = min(high, Double(hd - 1))
            if low == high { high += 0.001 }  // as transformers: no division by zero
            let ramp = min(max((Double(i) - low) / (high - low), 0), 1)  // 0: kept, 1: interpolated
            return ramp * f / factor + (1 - ramp) * f
        default: return f
        }
    }

    /// cos and sin for `positions` (each [count, hd/2]), computed in Double then rounded.
    /// Dynamic NTK takes the sequence length from `positions.upperBound`, as transformers takes
    /// max(position_ids) + 1: the whole sequence for a full forward, and in cached decoding the
    /// new tokens' last position + 1, while the cached keys keep the base they were rotated
    /// with (transformers caches rotated keys too, so its decoding does the same). Unlike
    /// transformers' rotary module, which keeps the largest base it has computed for later
    /// forwards that stay above the original context, a table depends on its positions only:
    /// equal to transformers for a freshly loaded model and for windows of one length.
    public func table(positions: Range<Int>, headDim hd: Int) -> RoPETable {
        let half = hd / 2, scale = attentionFactor
        let frequencies = (0..<half).map { frequency($0, headDim: hd, sequenceLength: positions.upperBound) }
        var cos = [Float](repeating: 0, count: positions.count * half), sin = cos
        for (row, p) in positions.enumerated() {
            let t = scaledPosition(p)
            for i in 0..<half {
                let angle = t * frequencies[i]
                cos[row * half + i] = Float(scale * Foundation.cos(angle))
                sin[row * half + i] = Float(scale * Foundation.sin(angle))
            }
        }
        return RoPETable(positions: positions, headDim: hd, cos: cos, sin: sin)
    }
}

/// Precomputed rotations for a range of positions.
public struct RoPETable: Sendable {
    public let positions: Range<Int>
    public let headDim: Int
    public let cos: [Float]
    public let sin: [Float]

    /// Rotates x: [rows, heads, hd] in place; row r sits at position `positions.lowerBound + r % period`
    /// (period = sequence length, so a batch of sequences shares one table).
    /// `inverse` applies the transpose rotation, which is the backward pass.
    public func apply(_ x: UnsafeMutablePointer<Float>, rows: Int, heads: Int, period: Int,
                      inverse: Bool = false, threads: Int) {
        let hd = headDim, chunk = 64
        cos.withUnsafeBufferPointer { c in
            sin.withUnsafeBufferPointer { s in
                Parallel.forEach((rows + chunk - 1) / chunk, threads: threads) { i in
                    llb_rope_apply(i * chunk, min(rows, (i + 1) * chunk), heads, hd, period, c.baseAddress!,
                                   s.baseAddress!, inverse ? -1 : 1, x)
                }
            }
        }
    }
}
