import Foundation
import Kernels
import Model
import Testing
import Training

@Suite struct TrainerTests {
    /// However many segments a trainer runs in (checkpoint intervals), its task begins and
    /// ends once, under the name its stage gives it.
    @Test func progressNamesTheTaskAndEndsItOnce() throws {
        final class Events: @unchecked Sendable { var text: [String] = [] }
        let events = Events()
        let c = Fixtures.config(steps: 4)
        let t = try Trainer(model: try Fixtures.model(), config: c, attention: PatternAttention.full, execution: .serial,
                            batches: Fixtures.batches(c), progress: { event in
            switch event {
            case let .begin(task, total, unit): events.text.append("begin \(task) \(total ?? -1) \(unit)")
            case let .advance(task, completed, _, _, unit): events.text.append("\(task) \(completed) \(unit)")
            case let .end(task, _): events.text.append("end \(task)")
            default: break
            }
        })
        t.task = "finetune"
        try t.run(until: 2)
        try t.run(until: 4)
        #expect(events.text == ["begin finetune 4 steps", "finetune 1 steps", "finetune 2 steps",
                                "finetune 3 steps", "finetune 4 steps", "end finetune"])
    }

    @Test func sameSeedGivesBitIdenticalLosses() throws {
        func losses() throws -> [Double] {
            let c = Fixtures.config()
            let t = try Trainer(model: try Fixtures.model(), config: c, attention: PatternAttention.full, execution: .serial, batches: Fixtures.batches(c))
            try t.run()
            return t.history.map(\.loss)
        }
        let a = try losses()
        #expect(a == (try losses()))
        #expect(a.count == 4)
    }

    @Test func trainingLowersTheLossOnAFixedBatch() throws {
        var c = Fixtures.config(steps: 8)
        c.accumulation = 1
        let fixed = SyntheticBatches(seed: 1, vocabSize: 259, batchSize: 2, length: 16).batch(step: 0, microBatch: 0)
        let t = try Trainer(model: try Fixtures.model(trainable: .all), config: c, attention: PatternAttention.full, execution: .serial, batches: { _, _ in fixed })
        try t.run()
        #expect(t.history.last!.loss < t.history.first!.loss - 0.5, "\(t.history.map(\.loss))")
    }

    @Test func frozenTensorsNeverChange() throws {
        let m = try Fixtures.model(trainable: .longLoRA)
        let before = Dictionary(uniqueKeysWithValues: m.parameters.tensors.map { ($0.name, m.parameters.values(of: $0.name)) })
        let c = Fixtures.config(steps: 3)
        try Trainer(model: m, config: c, attention: PatternAttention.full, execution: .serial, batches: Fixtures.batches(c)).run()
        for spec in m.parameters.tensors {
            let changed = m.parameters.values(of: spec.name) != before[spec.name]
            if spec.isTrainable {
                #expect(changed, "\(spec.name) is trainable but did not change")
            } else {
                #expect(!changed, "\(spec.name) is frozen but changed")
            }
        }
        #expect(m.parameters.spec(LlamaNames.head)?.isTrainable == false)
    }

    /// Also with heads 16 wide over d = 32 (`head_dim` in the checkpoint's config.json) and
    /// adapters on q and o, whose shapes follow the attention width 64.
    @Test(arguments: [nil, 16] as [Int?]) func resumeGivesBitIdenticalLosses(headDim: Int?) throws {
        let c = Fixtures.config(steps: 4)
        var config = ModelConfig.micro
        config.explicitHeadDim = headDim
        let lora = LoRAConfig(rank: 4, alpha: 8, targets: headDim == nil ? [.q, .k, .v, .o] : [.q, .o])
        func model() throws -> LlamaModel { try Fixtures.model(lora: lora, config: config) }
        let whole = try Trainer(model: try model(), config: c, attention: PatternAttention.full, execution: .serial, batches: Fixtures.batches(c))
        try whole.run()

        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try Trainer(model: try model(), config: c, attention: PatternAttention.full, execution: .serial, batches: Fixtures.batches(c))
        try first.run(until: 2)
        try TrainerCheckpoint.save(first, to: dir)
        let resumed = try TrainerCheckpoint.resume(from: dir, attention: PatternAttention.full, execution: .serial,
                                                   batches: Fixtures.batches(c))
        #expect(resumed.step == 2 && resumed.model.config == config)
        try resumed.run()
        #expect(resumed.history.map(\.loss) == whole.history.map(\.loss))
        #expect(resumed.model.parameters.values.array == whole.model.parameters.values.array)
    }

    /// How a run executes is not part of its checkpoint: the state holds no thread count or
    /// recomputation flag, and a checkpoint of an earlier version, whose training config held
    /// them, resumes with the execution it is given and still equals the uninterrupted run.
    @Test func checkpointsHoldNoExecutionAndOldOnesStillResume() throws {
        let c = Fixtures.config(steps: 4)
        let whole = try Trainer(model: try Fixtures.model(), config: c, attention: PatternAttention.full,
                                execution: .serial, batches: Fixtures.batches(c))
        try whole.run()
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try Trainer(model: try Fixtures.model(), config: c, attention: PatternAttention.full,
                                execution: Execution(threads: 2, recompute: true), batches: Fixtures.batches(c))
        try first.run(until: 2)
        try TrainerCheckpoint.save(first, to: dir)
        let stateURL = dir.appendingPathComponent(TrainerCheckpoint.stateFile)
        var state = try JSONSerialization.jsonObject(with: Data(contentsOf: stateURL)) as! [String: Any]
        var training = state["training"] as! [String: Any]
        #expect(training["threads"] == nil && training["recompute"] == nil, "\(training.keys.sorted())")
        // What the previous format wrote.
        training["threads"] = 7
        training["recompute"] = true
        state["training"] = training
        try JSONSerialization.data(withJSONObject: state).write(to: stateURL)
        let resumed = try TrainerCheckpoint.resume(from: dir, attention: PatternAttention.full, execution: .serial,
                                                   batches: Fixtures.batches(c))
        #expect(resumed.execution == .serial)
        try resumed.run()
        #expect(resumed.history.map(\.loss) == whole.history.map(\.loss))
        #expect(resumed.model.parameters.values.array == whole.model.parameters.values.array)
    }

    @Test func nanLossStopsWithTheStep() throws {
        let m = try Fixtures.model()
        m.parameters.view(LlamaNames.finalNorm).value[0] = .nan
        let c = Fixtures.config()
        let t = try Trainer(model: m, config: c, attention: PatternAttention.full, execution: .serial, batches: Fixtures.batches(c))
        do {
            try t.trainStep()
            Issue.record("a NaN weight did not stop training")
        } catch let error as UserError {
            #expect(error.message.contains("step 1"), "\(error.message)")
        }
    }

    @Test func accumulationOfTwoEqualMicroBatchesEqualsOne() throws {
        let fixed = SyntheticBatches(seed: 2, vocabSize: 259, batchSize: 2, length: 16).batch(step: 0, microBatch: 0)
        func params(accumulation: Int) throws -> [Float] {
            var c = Fixtures.config(steps: 1)
            c.accumulation = accumulation
            c.clipNorm = 0
            let t = try Trainer(model: try Fixtures.model(trainable: .all), config: c, attention: PatternAttention.full, execution: .serial, batches: { _, _ in fixed })
            try t.run()
            return t.model.parameters.values.array
        }
        let one = try params(accumulation: 1), two = try params(accumulation: 2)
        let diff = zip(one, two).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
        #expect(diff < 1e-6, "max parameter difference \(diff)")
    }
}

import Support
