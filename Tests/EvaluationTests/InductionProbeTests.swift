import Evaluation
import Foundation
import Testing

/// A model that copies perfectly: when the token before the current one appeared earlier,
/// it predicts the token that followed it with probability 1 - eps (uniform otherwise).
private struct PerfectCopier: CausalLanguageModel {
    let vocabSize: Int
    func nextTokenLosses(_ tokens: [Int32], attention: AttentionChoice) throws -> [Float] {
        (0..<(tokens.count - 1)).map { i in
            let earlier = (0..<i).last { tokens[$0] == tokens[i] }
            if let j = earlier, tokens[j + 1] == tokens[i + 1] { return -Float(log(0.99)) }
            return Float(log(Double(vocabSize)))
        }
    }
    func makeDecoder() throws -> any IncrementalDecoder { UniformModel.Decoder(vocabSize: vocabSize) }
}

@Suite struct InductionProbeTests {
    @Test func aModelThatDoesNotCopyGainsNothing() throws {
        let result = try InductionProbe(length: 32, trials: 4).run(UniformModel(vocabSize: 500))
        #expect(abs(result.firstCopyLoss - log(500.0)) < 1e-5)
        #expect(abs(result.copyGain) < 1e-6)
    }

    @Test func aPerfectCopierGainsAlmostTheWholeFirstCopyLoss() throws {
        let result = try InductionProbe(length: 48, trials: 8, seed: 5).run(PerfectCopier(vocabSize: 4096))
        // Random ids rarely repeat within one copy, so the first copy is at ln V...
        #expect(result.firstCopyLoss > 0.95 * log(4096.0))
        // ...and the second copy is nearly free (an id repeated inside a copy sometimes
        // sends this simple copier to the wrong earlier occurrence).
        #expect(result.secondCopyLoss < 0.3)
        #expect(result.copyGain > 7.5)
    }

    @Test func sequencesAreTwoEqualSeededHalvesInsideTheVocabulary() throws {
        let probe = try InductionProbe(length: 40, trials: 3, seed: 9)
        let s = probe.sequence(trial: 1, vocabSize: 259)
        #expect(s.count == 80 && Array(s[..<40]) == Array(s[40...]))
        #expect(s.allSatisfy { $0 >= 0 && $0 < 259 })
        #expect(s == probe.sequence(trial: 1, vocabSize: 259))
        #expect(s != probe.sequence(trial: 2, vocabSize: 259))
    }

    /// Ids are the pool's distinct ids, each as likely as the others however often the text
    /// has it: a newline making up 90% of the text is still one id in three.
    @Test func idsComeFromThePoolWhenGiven() throws {
        let probe = try InductionProbe(length: 300, trials: 2, seed: 1)
        let pool = [Int32](repeating: 7, count: 90) + [9, 300] + [Int32](repeating: 9, count: 8)
        let s = probe.sequence(trial: 0, vocabSize: 4096, pool: pool)
        #expect(s.count == 600 && Set(s) == [7, 9, 300])
        #expect((60...140).contains(s.prefix(300).filter { $0 == 7 }.count), "\(s.prefix(300).filter { $0 == 7 }.count) of 300")
        #expect(Array(s.prefix(300)) == Array(s.suffix(300)))
        let result = try probe.run(UniformModel(vocabSize: 500), pool: [1, 2, 3])
        #expect(result.fromText)
        #expect(throws: (any Error).self) { try probe.run(UniformModel(vocabSize: 500), pool: [1, 600]) }
    }

    @Test func tooShortOrNoTrialsIsAUserError() {
        #expect(throws: (any Error).self) { try InductionProbe(length: 1) }
        #expect(throws: (any Error).self) { try InductionProbe(length: 8, trials: 0) }
    }
}
