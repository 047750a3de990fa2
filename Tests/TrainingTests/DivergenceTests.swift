import Foundation
import Model
import Support
import Testing
import Training

/// A diverging run ends with a `UserError` naming the step (which the runner records as the
/// run's failure before starting the next run), never with a trap in a kernel.
@Suite struct DivergenceTests {
    func steps(_ losses: [Double]) -> [TrainingStep] {
        losses.enumerated().map { TrainingStep(step: $0 + 1, loss: $1, learningRate: 0, gradientNorm: 0, tokensPerSecond: 0, seconds: 0) }
    }

    @Test func aHugeLearningRateEndsTheRunWithAnErrorInsteadOfATrap() throws {
        var c = Fixtures.config(steps: 6)
        c.learningRate = 1e20
        let t = try Trainer(model: try Fixtures.model(trainable: .all), config: c, attention: PatternAttention.full,
                            execution: .serial, batches: Fixtures.batches(c))
        do {
            try t.run()
            Issue.record("learning rate 1e20 trained without an error: \(t.history.map(\.loss))")
        } catch let error as UserError {
            #expect(error.message.hasPrefix("step ") && error.message.contains("diverged"), "\(error.message)")
        }
    }

    @Test func aLossAboveTwiceTheUniformLossIsDivergence() throws {
        let uniform = log(259.0)
        #expect(throws: Never.self) { try Divergence.check(steps([uniform + 0.1, 2 * uniform - 0.01]), vocabSize: 259) }
        let message = userErrorMessage { try Divergence.check(steps([uniform, 144]), vocabSize: 259) }
        #expect(message.hasPrefix("step 2: loss 144 is above 2 ln V") && message.contains("diverged"), "\(message)")
    }

    @Test func stayingAtTheUniformLossAfterLearningIsDivergence() throws {
        let uniform = log(259.0)
        let collapsed = steps([uniform, 3.0, 2.5] + Array(repeating: uniform, count: Divergence.patience))
        let message = userErrorMessage { try Divergence.check(collapsed, vocabSize: 259) }
        #expect(message.contains("for \(Divergence.patience) steps after reaching 2.5 at step 3"), "\(message)")
        // One step fewer at the uniform loss, or a slow start that never went below it: no verdict.
        #expect(throws: Never.self) { try Divergence.check(Array(collapsed.dropLast()), vocabSize: 259) }
        #expect(throws: Never.self) {
            try Divergence.check(steps(Array(repeating: uniform + 0.01, count: 3 * Divergence.patience)), vocabSize: 259)
        }
        // A plateau at the uniform loss whose noise once dipped just below it has learned nothing yet.
        let plateau = steps([uniform, uniform * (1 - Divergence.margin / 2)] + Array(repeating: uniform, count: Divergence.patience))
        #expect(throws: Never.self) { try Divergence.check(plateau, vocabSize: 259) }
    }

    @Test func nonFiniteWeightsAfterTheUpdateNameTheTensor() throws {
        let m = try Fixtures.model(trainable: .all)
        let store = m.parameters
        #expect(store.firstNonFinite() == nil)
        let spec = store.tensors[3]
        (store.values.pointer + spec.offset + 7).pointee = .infinity
        let bad = store.firstNonFinite()
        #expect(bad?.tensor == spec.name && bad?.index == 7 && bad?.value == .infinity)
        // Past the first eight-lane blocks, and a NaN before it in a later tensor.
        (store.values.pointer + spec.offset + 7).pointee = 0
        let later = store.tensors[4]
        #expect(later.count > 30)
        (store.values.pointer + later.offset + 29).pointee = .nan
        (store.values.pointer + later.offset + 30).pointee = -.infinity
        let nan = store.firstNonFinite()
        #expect(nan?.tensor == later.name && nan?.index == 29 && nan?.value.isNaN == true)
    }

    func userErrorMessage(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch let error as UserError { return error.message } catch { return "\(error)" }
    }
}
