import Testing
import Metrics
import Model

/// DeepSpeed ZeRO stages 0-3 with CPU offload, against numbers worked out by hand for a
/// small grouped-query model on 4 GPUs.
@Suite struct ZeROTests {
    /// V = 100, d = 16, 2 layers, 4 heads of width 4 sharing 2 key/value heads (kv = 8),
    /// f = 32, untied. Φ = 2·100·16 + 2·(2·16·16 + 2·16·8 + 3·16·32 + 2·16) + 16 = 7888.
    static let small = ModelConfig(name: "small", vocabSize: 100, dim: 16, nLayers: 2, nHeads: 4, nKVHeads: 2,
                                   ffnDim: 32, maxContext: 64)
    let model = MemoryModel(overheadBytes: 0)
    let full = FineTuneSetup(method: .full)

    func estimate(_ zero: ZeROConfig, setup: FineTuneSetup? = nil) -> MemoryEstimate {
        model.estimate(Self.small, context: 64, setup: setup ?? full, cluster: Cluster(gpus: 4, zero: zero))
    }

    /// (parameters, gathered, gradients, optimizer, buffers, cpu) in bytes.
    func parts(_ m: MemoryEstimate) -> [Double] {
        [m.parameters, m.gatheredParameters, m.gradients, m.optimizerStates, m.communicationBuffers, m.cpuOffload]
    }

    @Test func parameterCountByHand() {
        #expect(Self.small.parameterCount == 7888)
    }

    /// Full fine-tuning, Φ = Φt = 7888, N = 4; stage 2's reduce bucket (1e9) exceeds Φt, so a
    /// bucket is 4.5 · 2 · 7888 = 70992 bytes; plain data parallel copies every gradient once.
    @Test func stagesWithoutOffload() {
        func stage(_ s: Int) -> ZeROConfig { var z = ZeROConfig.longloraStage2; z.stage = s; return z }
        #expect(parts(estimate(stage(0))) == [15776, 0, 47328, 94656, 15776, 0])  // 2Φ, 6Φ, 12Φ, 2Φ
        #expect(parts(estimate(stage(1))) == [15776, 0, 23664, 23664, 70992, 0])  // 2Φ + 4Φ/4, 12Φ/4
        #expect(parts(estimate(stage(2))) == [15776, 0, 11832, 23664, 70992, 0])  // 2Φ/4 + 4Φ/4
    }

    /// Stage 3 with the official stage-3 sizes (persistence 10·d = 160 elements, prefetch
    /// 0.9·d² = 230.4, reduce bucket d² = 256): the norms (16, 5 of them) and k, v (128, 4 of
    /// them) stay whole, P = 592; the partitioned 7296 elements cost 2·7296/4 = 3648 bytes.
    @Test func stage3PartitionsAndGathers() {
        var z3 = ZeROConfig.longloraStage3
        z3.offloadOptimizer = false
        z3.offloadParameters = false
        // Gathered: everything partitioned (7296 < 1e9 live parameters); bucket 4.5 · 2 · 256.
        let expected: [Double] = [1184 + 3648, 14592, 11832, 23664, 2304, 0]
        #expect(parts(estimate(z3)) == expected)
        // With 1000 live parameters: the largest tensor (the 1600-element embedding) plus the prefetch bucket.
        z3.maxLiveParameters = 1000
        #expect(estimate(z3).gatheredParameters == 2 * (1600 + 230.4))
    }

    /// Offload: the optimizer's fp32 master weights, moments and gradients (16Φt) go to CPU
    /// memory, and from stage 2 on no bf16 gradient partition stays on the GPU; parameter
    /// offload moves the partitioned weights too (2 · 7296).
    @Test func offloadMovesStatesToCPUMemory() throws {
        var z1 = ZeROConfig.longloraStage2
        z1.stage = 1
        z1.offloadOptimizer = true
        #expect(parts(estimate(z1)) == [15776, 0, 15776, 0, 70992, 126208])
        var z2 = ZeROConfig.longloraStage2
        z2.offloadOptimizer = true
        #expect(parts(estimate(z2)) == [15776, 0, 0, 0, 70992, 126208])
        let both: [Double] = [1184, 14592, 0, 0, 2304, 126208 + 14592]
        #expect(parts(estimate(.longloraStage3)) == both)
        // Activations and logits do not depend on ZeRO.
        let plain = estimate(.longloraStage2), offloaded = estimate(.longloraStage3)
        #expect(plain.activations == offloaded.activations && plain.logits == offloaded.logits)
    }

    /// LoRA+ (rank 2): adapters 2 · 2 · (4·16 + 2·16 + 2·8) = 448, trainable = 448 + the
    /// embedding 1600 + 5 norms of 16 = 2128, stored 7888 + 448 = 8336. Every adapter
    /// (at most 2 · 16 = 32 elements) is under the threshold: P = 592 + 448 = 1040.
    @Test func loraPlusUnderStage3Offload() {
        let setup = FineTuneSetup(method: .longlora, loraRank: 2)
        let counts = ParameterCounts(Self.small, setup)
        #expect(counts.adapters == 448 && counts.trainable == 2128 && counts.stored == 8336)
        let expected: [Double] = [2080, 14592, 0, 0, 2304, 34048 + 14592]  // 2P, 2·7296, 16Φt + 2·7296
        #expect(parts(estimate(.longloraStage3, setup: setup)) == expected)
    }

    @Test func offloadNeedsTheStageThatPartitionsIt() {
        var z = ZeROConfig(stage: 0, offloadOptimizer: true)
        #expect(throws: (any Error).self) { try z.validate() }
        z = ZeROConfig(stage: 2, offloadParameters: true)
        #expect(throws: (any Error).self) { try z.validate() }
        #expect(throws: (any Error).self) { try ZeROConfig(stage: 4).validate() }
        #expect(throws: Never.self) { try ZeROConfig.longloraStage3.validate() }
    }

    /// The paper's maximum-context table under the official stage-3 config: our model's longest
    /// power-of-two-or-paper context for each Llama2 size, whatever it is, is the largest that fits.
    @Test func maxContextIsTheLargestFittingCandidate() {
        let setup = FineTuneSetup(method: .longlora)
        let cluster = MaxContext.paperCluster
        let memory = Calibration.paper.memoryModel
        for ref in MaxContext.paper {
            let best = MaxContext.largest(ref.model, setup: setup, cluster: cluster, memoryModel: memory)
            let n = try! #require(best)
            #expect(memory.estimate(ref.model, context: n, setup: setup, cluster: cluster).fits(cluster.device))
            let next = MaxContext.candidates.first { $0 > n }!
            #expect(!memory.estimate(ref.model, context: next, setup: setup, cluster: cluster).fits(cluster.device))
            let limit = MaxContext.limit(ref.model, setup: setup, cluster: cluster, memoryModel: memory)
            #expect(memory.estimate(ref.model, context: limit, setup: setup, cluster: cluster).fits(cluster.device))
            #expect(!memory.estimate(ref.model, context: limit + 1024, setup: setup, cluster: cluster).fits(cluster.device))
        }
    }
}
