import Foundation
import Kernels
import Model
import Testing

/// The output head runs over chunks of rows (never n x V logits at once), and a forward that
/// nothing runs backward keeps no gradient scratch and two residual streams: the numbers are
/// those of the whole head at once, up to rounding (the head's products over fewer rows, and
/// its weight gradient summed chunk by chunk).
@Suite struct ChunkedHeadTests {
    static func setUp(tied: Bool) throws -> (LlamaModel, [Int32]) {
        var config = TestModels.microGQA
        config.tieWordEmbeddings = tied ? true : nil
        let m = try TestModels.model(config, lora: LoRAConfig(rank: 4, alpha: 8), trainable: [.lora, .embed, .norm, .head])
        TestModels.perturb(m, seed: 3)
        return (m, TestModels.batch(m.config, batchSize: 3, length: 10, seed: 8))
    }

    @Test(arguments: [false, true]) func chunksGiveTheWholeHeadsLossesAndGradients(tied: Bool) throws {
        let (m, batch) = try Self.setUp(tied: tied)
        var results: [(loss: Double, losses: [Float], gradients: [Float])] = []
        for rows in [nil, 1, 7, 29] as [Int?] {  // 30 rows: one chunk, 30, 5 and 2 chunks
            let execution = Execution(headRows: rows)
            m.parameters.gradients.zero()
            let loss = try m.forwardBackward(batch: batch, batchSize: 3, length: 10, attention: TestModels.attention, execution: execution)
            let losses = try m.tokenLosses(batch: batch, batchSize: 3, length: 10, attention: TestModels.attention, execution: execution)
            results.append((loss, losses, m.parameters.gradients.array))
        }
        let whole = results[0]
        let scale = whole.gradients.map(abs).max()!
        for (i, chunked) in results.enumerated().dropFirst() {
            // The head's product over fewer rows may take another BLAS kernel: rounding only.
            #expect(abs(chunked.loss - whole.loss) <= 1e-6 * whole.loss, "case \(i): loss \(chunked.loss) vs \(whole.loss)")
            let lossWorst = zip(chunked.losses, whole.losses).map { abs($0 - $1) / max($1, 1e-3) }.max()!
            #expect(lossWorst <= 1e-5, "case \(i): token losses differ by \(lossWorst) relative")
            let worst = zip(chunked.gradients, whole.gradients).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-6 * scale, "case \(i): gradients differ by \(worst) of \(scale)")
        }
    }

    /// A forward for inference (no backward) gives the training forward's losses bit for bit.
    @Test func inferenceGivesTheTrainingForwardsLosses() throws {
        let (m, batch) = try Self.setUp(tied: false)
        for execution in [Execution.serial, Execution(threads: 2, recompute: true)] {
            let inference = try m.loss(batch: batch, batchSize: 3, length: 10, attention: TestModels.attention, execution: execution)
            m.parameters.gradients.zero()
            let training = try m.forwardBackward(batch: batch, batchSize: 3, length: 10, attention: TestModels.attention, execution: execution)
            let again = try m.loss(batch: batch, batchSize: 3, length: 10, attention: TestModels.attention, execution: execution)
            #expect(inference == training && again == training, "\(execution)")
        }
    }

    /// Decoding asks only for the last row's logits: equal to that row of all the logits.
    @Test func lastLogitsAreTheLastRow() throws {
        let (m, batch) = try Self.setUp(tied: true)
        let tokens = Array(batch[0..<10]), V = m.config.vocabSize
        for rows in [nil, 3] as [Int?] {
            let execution = Execution(headRows: rows)
            let all = try m.logits(tokens: tokens, cache: KVCache(config: m.config), execution: execution)
            let last = try m.lastLogits(tokens: tokens, cache: KVCache(config: m.config), execution: execution)
            #expect(all.count == 10 * V && Array(all[(9 * V)...]) == last)
            #expect(try m.logits(tokens: tokens, execution: execution) == all)
        }
    }
}
