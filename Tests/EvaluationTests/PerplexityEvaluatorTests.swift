import Data
import Evaluation
import Foundation
import Kernels
import Support
import Testing

@Suite struct PerplexityEvaluatorTests {
    func randomStream(_ count: Int, vocab: Int, seed: UInt64) -> [Int32] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in Int32(rng.next() % UInt64(vocab)) }
    }

    @Test(arguments: PerplexityProtocol.allCases)
    func uniformModelHasPerplexityEqualToVocabularySize(_ p: PerplexityProtocol) throws {
        for vocab in [259, 32000] {
            let stream = randomStream(2000, vocab: 259, seed: 7)
            let r = try PerplexityEvaluator(protocol: p, stride: 100)
                .evaluate(UniformModel(vocabSize: vocab), stream: stream, length: 300, data: "random")
            #expect(abs(r.perplexity / Double(vocab) - 1) < 1e-6)
            #expect(r.standardError! < 1e-6)
        }
    }

    /// Evaluation progress names the pattern, the length and the data, and counts windows.
    @Test func progressNamesTheAttentionPattern() throws {
        final class Events: @unchecked Sendable { var text: [String] = [] }
        let events = Events()
        let stream = (0..<10).map { Int32($0) }
        _ = try PerplexityEvaluator(protocol: .longlora, stride: 2, attention: AttentionChoice(pattern: .s2))
            .evaluate(TargetEchoModel(vocabSize: 10), stream: stream, length: 4, data: "count:test", progress: { event in
                switch event {
                case let .begin(task, total, unit): events.text.append("begin \(task) \(total ?? -1) \(unit)")
                case let .end(task, _): events.text.append("end \(task)")
                default: break
                }
            })
        #expect(events.text == ["begin eval s2@4 count:test 2 windows", "end eval s2@4 count:test"])
    }

    @Test func longloraLossIsTheMeanOfWindowMeans() throws {
        // Stream 0..<10, length 4, stride 2: windows [0,4) and [2,6) score targets
        // 1,2,3 and 3,4,5; window losses 2 and 4.
        let stream = (0..<10).map { Int32($0) }
        let r = try PerplexityEvaluator(protocol: .longlora, stride: 2)
            .evaluate(TargetEchoModel(vocabSize: 10), stream: stream, length: 4, data: "count")
        #expect(r.windows == 2 && r.totalWindows == 2 && !r.isSubset)
        #expect(r.tokens == 6)
        #expect(r.windowLosses == [2, 4])
        #expect(r.totalNLL == 18)
        #expect(r.loss == 3)
        #expect(abs(r.perplexity - exp(3)) < 1e-12)
    }

    @Test func stridedLossIsTotalNLLOverScoredTokens() throws {
        // Stream 0..<11, length 4, stride 3: targets 1-3, 4-6, 7-9, 10.
        let stream = (0..<11).map { Int32($0) }
        let r = try PerplexityEvaluator(protocol: .strided, stride: 3)
            .evaluate(TargetEchoModel(vocabSize: 11), stream: stream, length: 4, data: "count")
        #expect(r.windows == 4)
        #expect(r.tokens == 10)
        #expect(r.windowLosses == [2, 5, 8, 10])
        #expect(r.totalNLL == 55)
        #expect(r.loss == 5.5)  // not the mean of window losses (6.25)
    }

    @Test func standardErrorOfWindowLosses() throws {
        // losses 1, 2, 3, 4: mean 2.5, sample variance 5/3, s.e. sqrt(5/3) / 2.
        var r = PerplexityResult(
            data: "hand", length: 4, evaluationProtocol: .longlora, stride: 1, attention: .full,
            windows: 4, totalWindows: 4, tokens: 12, totalNLL: 30, bytes: nil, windowLosses: [1, 2, 3, 4])
        #expect(abs(r.standardError! - 0.6454972243679028) < 1e-15)
        r.windowLosses = [1]
        #expect(r.standardError == nil)
        // Through the evaluator: stream 0..<10, length 4, stride 1: range(0, 6) minus the
        // last = starts 0...4, window losses 2, 3, 4, 5, 6 -> s.e. sqrt(2.5) / sqrt(5).
        let e = try PerplexityEvaluator(protocol: .longlora, stride: 1)
            .evaluate(TargetEchoModel(vocabSize: 10), stream: (0..<10).map { Int32($0) }, length: 4, data: "count")
        #expect(e.windowLosses == [2, 3, 4, 5, 6])
        #expect(abs(e.standardError! - (2.5 / 5).squareRoot()) < 1e-15)
    }

    @Test func bitsPerByteChargesTheScoredTargetsBytes() throws {
        // Ids 0-4 are 1 byte, 5-9 are 2 bytes. Strided over 0..<10 scores targets 1...9:
        // NLL 45 nats over 4 * 1 + 5 * 2 = 14 bytes.
        let bytes = TokenBytes(lengths: [1, 1, 1, 1, 1, 2, 2, 2, 2, 2])
        let r = try PerplexityEvaluator(protocol: .strided, stride: 2)
            .evaluate(TargetEchoModel(vocabSize: 10), stream: (0..<10).map { Int32($0) }, length: 4,
                      data: "count", tokenBytes: bytes)
        #expect(r.bytes == 14)
        #expect(abs(r.bitsPerByte! - 45 / log(2) / 14) < 1e-12)
        // A byte-level uniform model over 256 byte values costs exactly 8 bits per byte.
        let bytewise = TokenBytes(lengths: [Int](repeating: 1, count: 256))
        let u = try PerplexityEvaluator(protocol: .longlora, stride: 50)
            .evaluate(UniformModel(vocabSize: 256), stream: randomStream(500, vocab: 256, seed: 1), length: 100,
                      data: "bytes", tokenBytes: bytewise)
        #expect(abs(u.bitsPerByte! - 8) < 1e-6)
    }

    @Test func tokenBytesTableFromATokenizer() {
        // BOS/EOS/PAD (256...258) decode to nothing.
        let table = TokenBytes(ByteTokenizer())
        #expect(table.lengths.count == 259)
        #expect(table.count([65, 66, 256, 257]) == 2)
    }

    @Test func maxWindowsEvaluatesTheSubsetAndSaysSo() throws {
        // Stream 0..<20, length 4, stride 1: 15 windows (starts 0...14), window loss = start + 2.
        let all = try PerplexityEvaluator(protocol: .longlora, stride: 1)
            .evaluate(TargetEchoModel(vocabSize: 20), stream: (0..<20).map { Int32($0) }, length: 4, data: "count")
        #expect(all.windows == 15)
        let sub = try PerplexityEvaluator(protocol: .longlora, stride: 1, maxWindows: 3)
            .evaluate(TargetEchoModel(vocabSize: 20), stream: (0..<20).map { Int32($0) }, length: 4, data: "count")
        // indices floor((2i+1) * 15 / 6) = 2, 7, 12.
        #expect(sub.windows == 3 && sub.totalWindows == 15 && sub.isSubset)
        #expect(sub.windowLosses == [4, 9, 14])
        #expect(sub.tokens == 9)
        #expect(PerplexityTable.subsetNote([sub]) == "evenly spaced subset of windows (--max-windows): count @4: 3 of 15")
        #expect(PerplexityTable.subsetNote([all]) == nil)
        #expect(PerplexityTable.render([sub], as: .md).contains("3 of 15*"))
    }

    @Test func badOptionsAreUserErrors() {
        let stream = (0..<100).map { Int32($0) }
        #expect(throws: UserError.self) {
            try PerplexityEvaluator(maxWindows: 0).evaluate(UniformModel(vocabSize: 100), stream: stream, length: 8, data: "x")
        }
        #expect(throws: UserError.self) {
            try PerplexityEvaluator(stride: 0).evaluate(UniformModel(vocabSize: 100), stream: stream, length: 8, data: "x")
        }
        #expect(throws: UserError.self) {
            try PerplexityEvaluator().evaluate(UniformModel(vocabSize: 100), stream: stream, length: 1, data: "x")
        }
    }

    /// A diverged model's loss of 800 nats per token gives exp(800) = inf: an error naming
    /// the data, length and attention, not a perplexity of inf in the result file.
    @Test func aPerplexityBeyondADoubleIsAnError() throws {
        let stream = (800..<810).map { Int32($0) }
        do {
            let r = try PerplexityEvaluator(protocol: .longlora, stride: 2)
                .evaluate(TargetEchoModel(vocabSize: 1000), stream: stream, length: 4, data: "huge")
            Issue.record("perplexity \(r.perplexity) was returned")
        } catch let error as UserError {
            #expect(error.message.hasPrefix("huge at length 4 (attention full)") && error.message.contains("diverged"), "\(error.message)")
        }
    }
}
