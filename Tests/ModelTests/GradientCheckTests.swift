import Foundation
import Kernels
import Model
import Testing

/// Analytic float32 gradients of the production model against central finite differences of
/// the independent float64 reference (ReferenceLlama), for every parameter kind. The step
/// h = 1e-5 in float64 gives truncation error ~h^2 and rounding ~1e-11, far below tolerance.
@Suite struct GradientCheckTests {
    static let lora = LoRAConfig(rank: 4, alpha: 8, targets: LoRATarget.allCases)
    static let (batchSize, length) = (2, 6)

    /// Every tensor of micro (GQA, all seven LoRA targets, position interpolation 2) is trained.
    static func setUp() throws -> (LlamaModel, [Int32]) {
        let m = try TestModels.model(TestModels.microGQA, lora: lora, trainable: [.all, .lora],
                                     rope: RoPE(base: 10000, scaling: .positionInterpolation(factor: 2)))
        TestModels.perturb(m, seed: 11)
        return (m, TestModels.batch(m.config, batchSize: batchSize, length: length, seed: 5))
    }

    /// nil: the output head over all 12 rows at once; 5: in chunks of 5, 5 and 2 rows.
    @Test(arguments: [nil, 5] as [Int?]) func lossMatchesFloat64Reference(headRows: Int?) throws {
        let (m, batch) = try Self.setUp()
        let loss = try m.loss(batch: batch, batchSize: Self.batchSize, length: Self.length, attention: TestModels.attention,
                              execution: Execution(headRows: headRows))
        let ref = ReferenceLlama(model: m).loss(batch: batch, batchSize: Self.batchSize, length: Self.length)
        // Float32 rounding through ~10 sequential ops per layer: ~1e-6 relative is expected.
        #expect(abs(loss - ref) / ref < 1e-5, "float32 \(loss) vs float64 \(ref)")
    }

    @Test(arguments: [nil, 5] as [Int?]) func everyParameterKindMatchesFiniteDifferences(headRows: Int?) throws {
        let (m, batch) = try Self.setUp()
        m.parameters.gradients.zero()
        _ = try m.forwardBackward(batch: batch, batchSize: Self.batchSize, length: Self.length, attention: TestModels.attention,
                                  execution: Execution(headRows: headRows))
        var ref = ReferenceLlama(model: m)
        var rng = SplitMix64(seed: 3)
        let step = 1e-5
        var worst = 0.0
        // One tensor of each kind in layer 1, plus the embedding, final norm and head.
        let kinds = m.parameters.tensors.filter {
            !$0.name.contains("layers.0.") && !($0.name.contains("lora") && !$0.name.contains("q_proj") && !$0.name.contains("down_proj"))
        }
        for spec in kinds {
            let grad = m.parameters.gradient(of: spec.name)!
            let candidates: [Int]
            if spec.name == "model.embed_tokens.weight" {
                // Only rows of tokens that occur in the inputs have a gradient.
                let row = Int(batch[0])
                candidates = (0..<m.config.dim).map { row * m.config.dim + $0 }
            } else {
                candidates = Array(0..<spec.count)
            }
            for _ in 0..<3 {
                let i = candidates[Int(rng.next() % UInt64(candidates.count))]
                let saved = ref.p[spec.name]![i]
                ref.p[spec.name]![i] = saved + step
                let up = ref.loss(batch: batch, batchSize: Self.batchSize, length: Self.length)
                ref.p[spec.name]![i] = saved - step
                let down = ref.loss(batch: batch, batchSize: Self.batchSize, length: Self.length)
                ref.p[spec.name]![i] = saved
                let fd = (up - down) / (2 * step)
                let err = abs(Double(grad[i]) - fd) / max(abs(fd), 1e-4)
                worst = max(worst, err)
                // Measured worst case ~1e-5 (float32 rounding); 1e-3 leaves 100x margin, while a
                // transposed or shifted index moves a gradient to an unrelated entry and gives
                // errors of order 1 (checked: dropping rstd in RMSNorm's dw gives 0.02-0.9).
                #expect(err < 1e-3, "\(spec.name)[\(i)]: analytic \(grad[i]) vs finite difference \(fd)")
            }
        }
        print("gradient check: worst relative error \(worst)")
    }
}
