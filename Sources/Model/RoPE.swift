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

    /// The base actually used for the frequencies (differs only under NTK-aware scaling).
    public func effectiveBase(headDim hd: Int) -> Double {
        if case .ntkAware(let f) = scaling { return base * pow(f, Double(hd) / Double(hd - 2)) }
        return base
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
        }
    }

    /// The angular frequency of dimension pair i (of hd/2).
    public func frequency(_ i: Int, headDim hd: Int) -> Double {
        let f = pow(effectiveBase(headDim: hd), -2 * Double(i) / Double(hd))
        guard case .llama3(let factor, let low, let high, let original) = scaling else { return f }
        let wavelength = 2 * Double.pi / f, context = Double(original)
        if wavelength < context / high { return f }
        if wavelength > context / low { return f / factor }
        let smooth = (context / wavelength - low) / (high - low)
        return (1 - smooth) * f / factor + smooth * f
    }

    /// cos and sin for `positions` (each [count, hd/2]), computed in Double then rounded.
    public func table(positions: Range<Int>, headDim hd: Int) -> RoPETable {
        let half = hd / 2
        let frequencies = (0..<half).map { frequency($0, headDim: hd) }
        var cos = [Float](repeating: 0, count: positions.count * half), sin = cos
        for (row, p) in positions.enumerated() {
            let t = scaledPosition(p)
            for i in 0..<half {
                let angle = t * frequencies[i]
                cos[row * half + i] = Float(Foundation.cos(angle))
                sin[row * half + i] = Float(Foundation.sin(angle))
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
        let hd = headDim, half = hd / 2
        let sign: Float = inverse ? -1 : 1
        cos.withUnsafeBufferPointer { cb in
            sin.withUnsafeBufferPointer { sb in
                let c = cb.baseAddress!, s = sb.baseAddress!
                Parallel.forEach(rows, threads: threads) { r in
                    let t = (r % period) * half
                    for h in 0..<heads {
                        let v = x + (r * heads + h) * hd
                        for i in 0..<half {
                            let x1 = v[i], x2 = v[i + half]
                            let cs = c[t + i], sn = sign * s[t + i]
                            v[i] = x1 * cs - x2 * sn
                            v[i + half] = x2 * cs + x1 * sn
                        }
                    }
                }
            }
        }
    }
}
