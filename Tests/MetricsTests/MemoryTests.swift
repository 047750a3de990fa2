import Testing
import Metrics
import Model

@Suite struct MemoryTests {
    let model = MemoryModel(overheadBytes: 0)

    @Test(arguments: FineTuneMethod.allCases)
    func zero3ShardsEveryShardablePart(method: FineTuneMethod) {
        let setup = FineTuneSetup(method: method)
        for gpus in [2, 8, 64] {
            let z0 = model.estimate(.llama2_7b, context: 8192, setup: setup, cluster: Cluster(gpus: gpus, zeroStage: 0))
            let z3 = model.estimate(.llama2_7b, context: 8192, setup: setup, cluster: Cluster(gpus: gpus, zeroStage: 3))
            let g = Double(gpus)
            // Stage 3 keeps tensors under the persistence threshold (1e5 elements: norms and
            // rank-8 adapters) whole, partitions the rest, and gathers up to 1e9 elements.
            let persistent = Double(32 * 2 * 4096 + 4096) + (method == .full ? 0 : Double(32 * 8 * 8 * 4096))
            #expect(abs(z3.parameters - (2 * persistent + (z0.parameters - 2 * persistent) / g)) < 1)
            #expect(z3.gatheredParameters == 2e9 && z0.gatheredParameters == 0)
            #expect(abs(z3.gradients - z0.gradients / g) < 1)
            #expect(abs(z3.optimizerStates - z0.optimizerStates / g) < 1)
            #expect(z3.activations == z0.activations && z3.logits == z0.logits)
        }
    }

    @Test func zeroStagesShardInOrder() {
        let setup = FineTuneSetup(method: .full)
        let m = (0...3).map {
            model.estimate(.llama2_7b, context: 4096, setup: setup, cluster: Cluster(gpus: 8, zeroStage: $0))
        }
        #expect(m[1].optimizerStates < m[0].optimizerStates && m[1].gradients < m[0].gradients)
        #expect(m[2].gradients < m[1].gradients && m[2].optimizerStates == m[1].optimizerStates)
        #expect(m[3].parameters < m[2].parameters && m[2].parameters == m[0].parameters)
    }

    @Test func fullPrecisionBookkeeping() {
        // Full fine-tuning, plain data parallel: 2 bytes of weights, 2 + 4 of gradients,
        // 12 of optimizer states per parameter.
        let m = model.estimate(.llama2_7b, context: 1024, setup: FineTuneSetup(method: .full),
                               cluster: Cluster(gpus: 1, zeroStage: 0))
        let p = Double(ModelConfig.llama2_7b.parameterCount)
        #expect(m.parameters == 2 * p && m.gradients == 6 * p && m.optimizerStates == 12 * p)
    }

    @Test func loraTrainsFarFewerWeights() {
        let c = ParameterCounts(.llama2_7b, FineTuneSetup(method: .lora))
        // rank 8 on q, k, v, o of 32 layers: 32 · 8 · (4096+4096) · 4
        #expect(c.adapters == 32 * 8 * 8192 * 4 && c.trainable == c.adapters)
        let plus = ParameterCounts(.llama2_7b, FineTuneSetup(method: .longlora))
        #expect(plus.trainable == c.adapters + 32000 * 4096 + 65 * 4096)
    }

    @Test func everyPartGrowsWithContext() {
        for method in FineTuneMethod.allCases {
            for setup in [FineTuneSetup(method: method), FineTuneSetup(method: method, checkpointing: false, flashAttention: false)] {
                let rows = [1024, 4096, 8192, 32768].map {
                    model.estimate(.llama2_7b, context: $0, setup: setup, cluster: Cluster())
                }
                for (a, b) in zip(rows, rows.dropFirst()) {
                    #expect(b.activations > a.activations && b.logits > a.logits && b.total > a.total)
                    #expect(b.parameters == a.parameters && b.optimizerStates == a.optimizerStates)
                }
            }
        }
    }

    @Test func checkpointingAndFlashSaveMemory() {
        let with = model.estimate(.llama2_7b, context: 8192, setup: FineTuneSetup(method: .full), cluster: Cluster())
        let noCkpt = model.estimate(.llama2_7b, context: 8192, setup: FineTuneSetup(method: .full, checkpointing: false),
                                    cluster: Cluster())
        let noFlash = model.estimate(.llama2_7b, context: 8192,
                                     setup: FineTuneSetup(method: .full, checkpointing: false, flashAttention: false),
                                     cluster: Cluster())
        #expect(with.activations < noCkpt.activations && noCkpt.activations < noFlash.activations)
    }

    @Test func hoursGrowWithContextAndShrinkWithGPUs() {
        let setup = FineTuneSetup(method: .longlora)
        let h = [8192, 16384, 32768].map { GPUHours.hours(.llama2_7b, context: $0, setup: setup, cluster: Cluster(), mfu: 0.5) }
        #expect(h[0] < h[1] && h[1] < h[2])
        let on16 = GPUHours.hours(.llama2_7b, context: 8192, setup: setup, cluster: Cluster(gpus: 16), mfu: 0.5)
        #expect(abs(on16 - h[0] / 2) < 1e-9 * h[0])
    }

    @Test func paperFigure1WithinTolerance() {
        let cal = Calibration.paper
        #expect(cal.mfu > 0.3 && cal.mfu < 0.7, "MFU \(cal.mfu) is not physically plausible")
        #expect(cal.overheadBytes > 0 && cal.overheadBytes < 8 * gib)
        for row in PaperFigure1.compare(calibration: cal) {
            let ref = row.reference
            #expect(row.withinTolerance,
                    "\(ref.method) \(ref.context): memory \(row.memory.totalGiB) vs \(ref.memoryGiB ?? -1), hours \(row.hours) vs \(ref.hours ?? -1)")
        }
        // Full fine-tuning at 65536 is the paper's out-of-memory point.
        let oom = PaperFigure1.compare(calibration: cal).first { $0.reference.method == .full && $0.reference.context == 65536 }
        #expect(oom?.fits == false)
    }
}
