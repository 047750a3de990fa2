import Foundation
import Model
import Testing
import Training

@Suite struct OptimizerTests {
    /// Two AdamW steps on 19 scalars (two eight-lane blocks and a scalar tail) against the
    /// formulas evaluated by hand in float64.
    @Test func adamWMatchesHandComputedSteps() {
        let n = 19
        let store = ParameterStore(layout: [(name: "w", shape: [n], trainable: true)])
        var p = (0..<n).map { [1.0, -2.0, 0.5][$0 % 3] * Double($0 + 1) / 4 }
        store.setValues(of: "w", p.map { Float($0) })
        let config = AdamWConfig(beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1)
        let opt = AdamW(config: config, parameters: store)
        let grads: [[Double]] = [(0..<n).map { [0.5, -1.0, 0.0][$0 % 3] * Double($0 % 5 + 1) },
                                 (0..<n).map { [0.25, 2.0, -3.0][$0 % 3] / Double($0 % 4 + 1) }]
        p = p.map { Double(Float($0)) }
        var m = Array(repeating: 0.0, count: n), v = m
        let lr = 0.01
        for (t, g) in grads.enumerated() {
            for i in 0..<n { store.gradients[i] = Float(g[i]) }
            opt.update(store, lr: lr)
            let step = Double(t + 1)
            for i in 0..<n {
                p[i] *= 1 - lr * 0.1
                m[i] = 0.9 * m[i] + 0.1 * g[i]
                v[i] = 0.95 * v[i] + 0.05 * g[i] * g[i]
                let mhat = m[i] / (1 - pow(0.9, step)), vhat = v[i] / (1 - pow(0.95, step))
                p[i] -= lr * mhat / (vhat.squareRoot() + 1e-8)
            }
        }
        // Hand values after step 1: w0 = 0.25 * 0.999 - 0.01 * 1 (Adam's first step is lr*sign(g)).
        let got = store.values(of: "w")
        for i in 0..<n { #expect(abs(Double(got[i]) - p[i]) < 1e-6, "w[\(i)] = \(got[i]), expected \(p[i])") }
        #expect(opt.step == 2)
    }

    @Test func schedules() throws {
        let warm = LearningRateSchedule.constant(warmup: 4)
        #expect(warm.rate(1, step: 0) == 0.25)
        #expect(warm.rate(1, step: 3) == 1)
        #expect(warm.rate(1, step: 100) == 1)
        let cosine = LearningRateSchedule.cosine(warmup: 0, totalSteps: 10, minRatio: 0.1)
        #expect(cosine.rate(1, step: 0) == 1)
        #expect(abs(cosine.rate(1, step: 5) - 0.55) < 1e-12)
        #expect(abs(cosine.rate(1, step: 10) - 0.1) < 1e-12)
        // A spec's schedule name builds the same schedule (cosine ends at 10% of the peak).
        #expect(LearningRateSchedule(.cosine, warmup: 0, totalSteps: 10) == cosine)
        #expect(LearningRateSchedule(.constant, warmup: 4, totalSteps: 10) == warm)
        #expect(LearningRateSchedule.Kind.allCases.map { LearningRateSchedule($0, warmup: 1, totalSteps: 2).kind } == LearningRateSchedule.Kind.allCases)
    }
}
