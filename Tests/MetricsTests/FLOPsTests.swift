import Testing
import Metrics
import Model

@Suite struct FLOPsTests {
    /// d=4, 2 heads of dim 2, 1 kv head (kv = 2), f=6, L=1, V=10, n=8.
    static let tiny = ModelConfig(name: "tiny", vocabSize: 10, dim: 4, nLayers: 1, nHeads: 2, nKVHeads: 1,
                                  ffnDim: 6, maxContext: 8)

    @Test func tinyForwardByHand() {
        let b = FLOPs.forward(Self.tiny, context: 8)
        // attention: QK^T and AV, 2 FLOPs per multiply-add: 2·2·(8·8 pairs)·d=4 = 1024
        #expect(b.attention == 1024)
        // projections: 2·n·d·(d + kv + kv + d) = 2·8·4·(4+2+2+4) = 768
        #expect(b.projections == 768)
        // FFN: 3 matrices 2·8·4·6 = 1152, SwiGLU activation 2·8·6 = 96
        #expect(b.ffn == 1248)
        // others: head 2·8·4·10 = 640; per layer n·(8d + 3(d+kv) + 2d) = 8·(32+18+8) = 464;
        // final norm 4·8·4 = 128
        #expect(b.others == 1232)
        #expect(b.total == 4272)
    }

    @Test func tinyCausalAndSparseByHand() {
        // causal full: 8·9/2 = 36 pairs per head -> 2·2·36·4 = 576
        #expect(FLOPs.forward(Self.tiny, context: 8, counting: .causal).attention == 576)
        // S2 with G = 4: 8·4 = 32 pairs -> 512; causal 8·5/2 = 20 pairs -> 320
        #expect(FLOPs.forward(Self.tiny, context: 8, attention: .s2, groupRatio: 0.5).attention == 512)
        #expect(FLOPs.forward(Self.tiny, context: 8, attention: .s2, groupRatio: 0.5, counting: .causal).attention == 320)
    }

    @Test func tinyTrainingByHand() {
        let setup = FineTuneSetup(method: .full)  // checkpointing, flash
        let t = FLOPs.training(Self.tiny, context: 8, setup: setup)
        #expect(t.attention == 1024 * 4.5)            // fwd + recompute + 2.5 flash backward
        #expect(t.projections == 768 * 4)              // fwd + recompute + input grad + weight grad
        #expect(t.ffn == 1152 * 4 + 96 * 4)
        #expect(t.others == 640 * 3 + (464 + 128) * 4) // head not recomputed
    }

    @Test(arguments: AttentionKind.allCases.filter(\.isGrouped))
    func sparsePatternsCostFullTimesGOverN(pattern: AttentionKind) {
        for n in [1024, 8192, 65536] {
            let g = n / 4
            let full = FLOPs.forward(.llama2_7b, context: n).attention
            let sparse = FLOPs.forward(.llama2_7b, context: n, attention: pattern, groupRatio: 0.25).attention
            #expect(abs(sparse - full * Double(g) / Double(n)) <= 1e-9 * full)
        }
    }

    /// The paper's forward FLOPs table for Llama2-7B, TFLOPs, one decimal:
    /// (context, attn full, attn S2, proj, ffn, others, total full, total S2).
    static let paperTable: [(Int, Double, Double, Double, Double, Double, Double, Double)] = [
        (8192, 35.2, 8.8, 35.2, 70.9, 2.2, 143.5, 117.1),
        (16384, 140.7, 35.2, 70.4, 141.8, 4.3, 357.2, 251.7),
        (32768, 562.9, 140.7, 140.7, 283.7, 8.7, 996.0, 573.8),
        (65536, 2251.8, 562.9, 281.5, 567.4, 17.3, 3118.0, 1429.1),
    ]

    @Test func reproducesThePaperTable() {
        for (n, attnFull, attnS2, proj, ffn, others, totalFull, totalS2) in Self.paperTable {
            let full = FLOPs.forward(.llama2_7b, context: n).scaled(by: 1e-12).printed(decimals: 1)
            let s2 = FLOPs.forward(.llama2_7b, context: n, attention: .s2, groupRatio: 0.25)
                .scaled(by: 1e-12).printed(decimals: 1)
            #expect(full.attention == attnFull, "attn full at \(n)")
            #expect(s2.attention == attnS2, "attn s2 at \(n)")
            for row in [full, s2] {
                #expect(row.projections == proj, "proj at \(n)")
                #expect(row.ffn == ffn, "ffn at \(n)")
                #expect(row.others == others, "others at \(n)")
            }
            #expect(full.total == totalFull, "total full at \(n)")
            #expect(s2.total == totalS2, "total s2 at \(n)")
        }
    }

    @Test(arguments: [ModelConfig.mini, .llama2_7b, .llama2_70b])
    func loraTrainingBelowFull(config: ModelConfig) {
        for n in [1024, 8192] {
            let full = FLOPs.training(config, context: n, setup: FineTuneSetup(method: .full)).total
            let lora = FLOPs.training(config, context: n, setup: FineTuneSetup(method: .lora)).total
            let longlora = FLOPs.training(config, context: n, setup: FineTuneSetup(method: .longlora)).total
            #expect(lora < full)
            #expect(longlora < lora)  // S2 attention on top
        }
    }

    @Test func groupedQueryHeadsShrinkProjections() {
        var mha = ModelConfig.llama2_70b
        mha.nKVHeads = mha.nHeads
        let gqa = FLOPs.forward(.llama2_70b, context: 4096).projections
        let full = FLOPs.forward(mha, context: 4096).projections
        // 2d + 2kv with kv = d/8, against 4d.
        #expect(abs(gqa / full - (2 + 2.0 / 8) / 4) < 1e-12)
    }

    @Test func everyComponentGrowsWithContext() {
        let contexts = [512, 1024, 4096, 8192, 65536]
        for method in FineTuneMethod.allCases {
            let rows = contexts.map {
                FLOPs.training(.llama2_7b, context: $0, setup: FineTuneSetup(method: method))
            }
            for (a, b) in zip(rows, rows.dropFirst()) {
                #expect(b.attention > a.attention && b.projections > a.projections)
                #expect(b.ffn > a.ffn && b.others > a.others && b.total > a.total)
            }
        }
    }
}
