import Data
import Evaluation
import Kernels
import Support
import Testing

@Suite struct PasskeyTests {
    @Test func promptUsesTheOfficialWordingAndHidesTheKeyOnceAtTheDepth() throws {
        let p = try PasskeyPrompt(key: 31415, depth: 0.25, targetTokens: 1000, tokenizer: ByteTokenizer())
        let lines = p.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0] == PasskeyPrompt.taskDescription)
        #expect(lines[2] == "The pass key is 31415. Remember it. 31415 is the pass key.")
        #expect(lines[4] == "What is the pass key? The pass key is")
        #expect(p.text.components(separatedBy: "31415").count == 3)  // twice, in its one line
        #expect(p.text.components(separatedBy: "The pass key is 31415.").count == 2)
        // Byte-level: one token per byte plus BOS, so the target is met exactly.
        #expect(p.tokens.count == 1000 && p.tokens.first == 256)
        #expect(lines[1].utf8.count + lines[3].utf8.count == p.fillerCharacters)
        #expect(lines[1].utf8.count == Int(0.25 * Double(p.fillerCharacters)))
        #expect(lines[1].hasPrefix("The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again. The grass"))
        #expect(lines[3].hasPrefix("The grass is green."))
        #expect(p.answer == Array(" 31415".utf8).map { Int32($0) })
    }

    @Test(arguments: [0.0, 0.5, 0.999])
    func depthPlacesTheKey(_ depth: Double) throws {
        let p = try PasskeyPrompt(key: 7, depth: depth, targetTokens: 600, tokenizer: ByteTokenizer())
        let prefix = p.text.split(separator: "\n", omittingEmptySubsequences: false)[1].utf8.count
        #expect(prefix == PasskeyPrompt.prefixCharacters(fillerCharacters: p.fillerCharacters, depth: depth))
        #expect(abs(Double(prefix) / Double(p.fillerCharacters) - depth) <= 1 / Double(p.fillerCharacters))
    }

    @Test func coarserTokenizersStayWithinTheTarget() throws {
        for target in [120, 500, 2048] {
            let p = try PasskeyPrompt(key: 49999, depth: 0.6, targetTokens: target, tokenizer: FourByteTokenizer())
            #expect(p.tokens.count <= target && p.tokens.count >= target - 1, "target \(target)")
        }
    }

    @Test func targetBelowTheFixedPartIsAUserError() {
        #expect(throws: UserError.self) {
            try PasskeyPrompt(key: 1, depth: 0.5, targetTokens: 50, tokenizer: ByteTokenizer())
        }
    }

    @Test func keysAndDepthsAreSeededAndInRange() throws {
        let a = PasskeyRetrieval(lengths: [400], trials: 20, seed: 3)
        let keys = try (0..<20).map { try a.prompt(length: 400, trial: $0, tokenizer: ByteTokenizer()) }
        let again = try (0..<20).map { try a.prompt(length: 400, trial: $0, tokenizer: ByteTokenizer()) }
        #expect(keys == again)
        #expect(keys.allSatisfy { PasskeyPrompt.keyRange.contains($0.key) && $0.depth >= 0 && $0.depth < 1 })
        #expect(Set(keys.map(\.key)).count > 15)
        let other = try PasskeyRetrieval(lengths: [400], seed: 4).prompt(length: 400, trial: 0, tokenizer: ByteTokenizer())
        #expect(other.key != keys[0].key)
    }

    @Test func answerParsing() {
        #expect(PasskeyPrompt.parseKey(" 31415") == 31415)
        #expect(PasskeyPrompt.parseKey(" 31415. Remember") == 31415)
        #expect(PasskeyPrompt.parseKey("is 12") == 12)
        #expect(PasskeyPrompt.parseKey(" none") == nil)
        #expect(PasskeyPrompt.parseKey("") == nil)
    }

    @Test func greedyArgmaxTakesTheFirstOfTies() {
        #expect(GreedyDecoding.argmax([0, 3, 3, 1]) == 1)
        #expect(GreedyDecoding.argmax([-1]) == 0)
    }

    @Test func retrievalIsCorrectOnlyOnAnExactMatch() throws {
        let run = PasskeyRetrieval(lengths: [300, 500], trials: 4, seed: 11)
        let oracle = try run.run(PasskeyOracle(), tokenizer: ByteTokenizer())
        #expect(oracle.map(\.length) == [300, 500])
        #expect(oracle.allSatisfy { $0.accuracy == 1 && $0.correct == 4 })
        #expect(oracle.allSatisfy { $0.meanPromptTokens == Double($0.length) })
        let trial = oracle[0].trials[0]
        #expect(trial.parsedKey == trial.key && trial.answerText == " \(trial.key)")

        // A model that always answers 12345 is right only when the key is 12345.
        let wrong = try run.run(PasskeyOracle(answerKey: 12345), tokenizer: ByteTokenizer())
        #expect(wrong.allSatisfy { $0.correct == 0 })
        #expect(wrong[1].trials[2].parsedKey == 12345)
        // Key 123 needs 4 tokens " 123"; a model whose answer starts " 12" is still wrong.
        let p = try PasskeyPrompt(key: 123, depth: 0.5, targetTokens: 300, tokenizer: ByteTokenizer())
        #expect(try PasskeyRetrieval.trial(PasskeyOracle(answerKey: 12), prompt: p, tokenizer: ByteTokenizer()).correct == false)
        #expect(try PasskeyRetrieval.trial(PasskeyOracle(answerKey: 123), prompt: p, tokenizer: ByteTokenizer()).correct)

        // A uniform model answers byte 0 every time.
        let uniform = try run.run(UniformModel(vocabSize: 259), tokenizer: ByteTokenizer())
        #expect(uniform.allSatisfy { $0.accuracy == 0 })
        #expect(PasskeyTable.render(oracle, as: .csv) == "length,prompt_tokens,trials,correct,accuracy\n300,300.0,4,4,1.0000\n500,500.0,4,4,1.0000\n")
    }

    @Test func lengthsFromAStep() throws {
        #expect(try PasskeyRetrieval.lengths(step: 1000, upTo: 3500) == [1000, 2000, 3000])
        #expect(throws: UserError.self) { try PasskeyRetrieval.lengths(step: 0, upTo: 10) }
    }
}
