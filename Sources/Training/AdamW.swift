import Foundation
import Model

/// AdamW hyper-parameters. Defaults are the paper's (beta2 0.95; the official command leaves
/// PyTorch's 0.999, a known mismatch), weight decay 0.
public struct AdamWConfig: Codable, Hashable, Sendable {
    public var beta1: Double = 0.9
    public var beta2: Double = 0.95
    public var eps: Double = 1e-8
    public var weightDecay: Double = 0

    public init(beta1: Double = 0.9, beta2: Double = 0.95, eps: Double = 1e-8, weightDecay: Double = 0) {
        self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
    }
}

/// AdamW with PyTorch's semantics (torch.optim.AdamW, non-fused):
///   p *= 1 - lr * wd                      (decoupled weight decay)
///   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
///   p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
/// Moments exist only for trainable tensors: they mirror the gradient buffer one to one.
public final class AdamW {
    public let config: AdamWConfig
    public let m: FloatBuffer
    public let v: FloatBuffer
    /// Number of updates applied so far (t in the bias corrections).
    public private(set) var step: Int

    public init(config: AdamWConfig, parameters: ParameterStore) {
        self.config = config
        m = FloatBuffer(count: parameters.trainableCount)
        v = FloatBuffer(count: parameters.trainableCount)
        step = 0
    }

    /// Restores moments and step (from a checkpoint).
    public func restore(step: Int, m: [Float], v: [Float]) {
        precondition(m.count == self.m.count && v.count == self.v.count, "AdamW.restore: size mismatch")
        self.step = step
        for i in 0..<m.count { self.m[i] = m[i]; self.v[i] = v[i] }
    }

    public func update(_ parameters: ParameterStore, lr: Double) {
        step += 1
        let b1 = Float(config.beta1), b2 = Float(config.beta2), eps = Float(config.eps)
        let bc1 = 1 - pow(config.beta1, Double(step)), bc2 = 1 - pow(config.beta2, Double(step))
        let stepSize = Float(lr / bc1), bc2Root = Float(bc2.squareRoot())
        let decay = Float(1 - lr * config.weightDecay)
        let g = parameters.gradients.pointer, m = m.pointer, v = v.pointer
        for spec in parameters.trainableTensors {
            let p = parameters.values.pointer + spec.offset, o = spec.gradientOffset!
            // Eight lanes at a time: the same operations in the same order as the scalar
            // tail, so the result is bitwise that of one element at a time (the compiler
            // cannot vectorize the scalar loop itself: the four buffers might alias).
            let lanes = SIMD8<Float>.scalarCount
            var i = 0
            while i + lanes <= spec.count {
                let gi = load(g + o + i), pi = load(p + i) * decay
                let mi = b1 * load(m + o + i) + (1 - b1) * gi
                let vi = b2 * load(v + o + i) + (1 - b2) * gi * gi
                store(mi, m + o + i)
                store(vi, v + o + i)
                store(pi - stepSize * mi / (vi.squareRoot() / bc2Root + eps), p + i)
                i += lanes
            }
            while i < spec.count {
                let gi = g[o + i]
                p[i] *= decay
                m[o + i] = b1 * m[o + i] + (1 - b1) * gi
                v[o + i] = b2 * v[o + i] + (1 - b2) * gi * gi
                p[i] -= stepSize * m[o + i] / (v[o + i].squareRoot() / bc2Root + eps)
                i += 1
            }
        }
    }

    private func load(_ x: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(x).loadUnaligned(as: SIMD8<Float>.self)
    }

    private func store(_ value: SIMD8<Float>, _ x: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(x).storeBytes(of: value, as: SIMD8<Float>.self)
    }
}
