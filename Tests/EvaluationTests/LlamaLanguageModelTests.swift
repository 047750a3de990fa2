import Data
import Evaluation
import Foundation
import Model
import Support
import Testing

@Suite struct LlamaLanguageModelTests {
    /// Window losses are the negative log-softmax (in float64) of the model's logits at the next token.
    @Test func lossesAreNextTokenCrossEntropy() throws {
        let m = try randomLlama()
        let tokens = randomTokens(48, seed: 2)
        let lm = LlamaLanguageModel(m, execution: .serial)
        // Inference shares one layer's activations; the reference below keeps every layer's.
        #expect(lm.execution.recompute)
        let losses = try lm.nextTokenLosses(tokens, attention: .full)
        let logits = try m.logits(tokens: tokens, execution: .serial)
        #expect(losses.count == 47)
        for i in 0..<47 {
            let row = logits[(i * 259)..<((i + 1) * 259)].map(Double.init)
            let peak = row.max()!
            let lse = peak + log(row.reduce(0) { $0 + exp($1 - peak) })
            #expect(abs(Double(losses[i]) - (lse - row[Int(tokens[i + 1])])) < 1e-5)
        }
    }

    @Test func trainingPatternsRunOnTheWholeWindow() throws {
        let lm = LlamaLanguageModel(try randomLlama(), execution: .serial)
        let tokens = randomTokens(64, seed: 6)
        let full = try lm.nextTokenLosses(tokens, attention: .full)
        let s2 = try lm.nextTokenLosses(tokens, attention: AttentionChoice(pattern: AttentionKind(rawValue: "s2")!))
        // G = 16: the shifted heads' first group is [0, 8), so positions 0..<8 see every
        // earlier token in every head, as under full attention; later ones do not.
        #expect(zip(full[..<8], s2[..<8]).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(zip(full, s2).contains { abs($0 - $1) > 1e-4 })
        // 66 / 4 is not a whole group: a user error, not a trap.
        #expect(throws: UserError.self) {
            try lm.nextTokenLosses(randomTokens(66, seed: 6), attention: AttentionChoice(pattern: AttentionKind(rawValue: "s2")!))
        }
    }

    @Test func checkpointRoundTripGivesTheSamePerplexity() throws {
        let m = try randomLlama(lora: true, rope: RoPE(scaling: .positionInterpolation(factor: 2)))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try m.writeHF(into: dir)
        let loaded = try LlamaModel.load(from: dir, trainable: [])
        #expect(loaded.rope == m.rope)
        let stream = randomTokens(400, seed: 1)
        let evaluator = PerplexityEvaluator(protocol: .strided, stride: 32)
        let a = try evaluator.evaluate(LlamaLanguageModel(m, execution: .serial), stream: stream, length: 64, data: "random")
        let b = try evaluator.evaluate(LlamaLanguageModel(loaded, execution: .serial), stream: stream, length: 64,
                                       data: "random")
        #expect(a.tokens == 399)
        #expect(abs(a.loss - b.loss) < 1e-6)
    }

    @Test func passkeyRunsThroughTheCachedDecoder() throws {
        let results = try PasskeyRetrieval(lengths: [260], trials: 2, seed: 1)
            .run(LlamaLanguageModel(try randomLlama(), execution: .serial), tokenizer: ByteTokenizer())
        #expect(results.count == 1 && results[0].trials.count == 2)
        #expect(results[0].trials.allSatisfy { $0.promptTokens == 260 && $0.generated.count == " \($0.key)".utf8.count })
    }
}
