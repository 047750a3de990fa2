import Data
import Foundation
import Testing

@Suite struct TokenizerTests {
    @Test func byteTokenizerLayoutAndRoundTrip() {
        let t = ByteTokenizer()
        #expect(t.vocabSize == 259 && t.bos == 256 && t.eos == 257 && t.pad == 258)
        let bytes = randomBytes(4096, seed: 1)
        #expect(t.encode(bytes) == bytes.map(Int32.init))
        #expect(t.decode(t.encode(bytes)) == bytes)
        #expect(t.decode([72, 257, 105, 256, 258]) == Array("Hi".utf8))
    }

    @Test func preTokenizerTilesTheInput() {
        for seed: UInt64 in 0..<5 {
            let bytes = randomBytes(3000, seed: seed) + Array("  the  cat\n\n  sat, 1234 $( |- )".utf8)
            var ranges: [Range<Int>] = []
            bytes.withUnsafeBufferPointer { PreTokenizer.forEachWord(in: $0) { ranges.append($0) } }
            #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == bytes.count)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(ranges.allSatisfy { !$0.isEmpty && $0.count <= PreTokenizer.maxWordLength })
        }
        var words: [String] = []
        let text = Array("  the cat, 42".utf8)
        text.withUnsafeBufferPointer { b in PreTokenizer.forEachWord(in: b) { words.append(String(decoding: b[$0], as: UTF8.self)) } }
        #expect(words == [" ", " the", " cat", ",", " 42"])
    }

    static func trainedBPE() throws -> BPETokenizer {
        let docs = (0..<20).map { Document(name: "d\($0)", text: String(repeating: sampleText, count: 1 + $0 % 3)) }
        return try BPETrainer(vocabSize: 1024).train(on: docs)
    }

    @Test func bpeRoundTripOnRandomBytesAndText() throws {
        let bpe = try Self.trainedBPE()
        #expect(bpe.merges.count > 50)
        for seed: UInt64 in 0..<8 {
            let bytes = randomBytes(2000 + 500 * Int(seed), seed: seed)
            #expect(bpe.decode(bpe.encode(bytes)) == bytes)
        }
        let text = Array(sampleText.utf8)
        let ids = bpe.encode(text)
        #expect(bpe.decode(ids) == text)
        #expect(ids.count * 2 < text.count, "BPE should compress its own training text")
        #expect(ids.allSatisfy { $0 >= 0 && Int($0) < bpe.vocabSize && ($0 < 256 || $0 > 258) })
    }

    /// Encoding replays merges in order: the encoder's result equals applying every merge,
    /// in training order, to each word (an independent, slower reference).
    @Test func bpeEncodingMatchesMergeReplay() throws {
        let bpe = try Self.trainedBPE()
        let text = Array("the earth, the heaven; |- ( ph -> ps ) xyzzy".utf8)
        var reference: [Int32] = []
        text.withUnsafeBufferPointer { b in
            PreTokenizer.forEachWord(in: b) { range in
                var symbols = b[range].map(Int32.init)
                for (k, (l, r)) in bpe.merges.enumerated() {
                    var out: [Int32] = []
                    var i = 0
                    while i < symbols.count {
                        if i + 1 < symbols.count, symbols[i] == l, symbols[i + 1] == r { out.append(259 + Int32(k)); i += 2 } else { out.append(symbols[i]); i += 1 }
                    }
                    symbols = out
                }
                reference += symbols
            }
        }
        #expect(bpe.encode(text) == reference)
    }

    @Test func bpeTrainingIsDeterministicAndSavesMerges() throws {
        let a = try Self.trainedBPE(), b = try Self.trainedBPE()
        #expect(a.id == b.id)
        #expect(a.merges.map { [$0.0, $0.1] } == b.merges.map { [$0.0, $0.1] })
        let file = try temporaryDirectory("bpe").appendingPathComponent("tokenizer.bpe")
        try a.save(to: file)
        let loaded = try BPETokenizer(contentsOf: file)
        #expect(loaded.id == a.id && loaded.vocabSize == 1024)
        #expect(loaded.encode(Array(sampleText.utf8)) == a.encode(Array(sampleText.utf8)))
        // A different text gives different merges (the test can fail).
        let other = try BPETrainer(vocabSize: 1024).train(on: [Document(name: "x", text: String(repeating: "zebra quartz ", count: 50))])
        #expect(other.id != a.id)
    }

    @Test func bpeVocabularyOutOfRangeAndBadMergesFile() throws {
        #expect(userErrorText { _ = try BPETrainer(vocabSize: 100) }.contains("1024 to 8192"))
        let file = try temporaryDirectory("bpe-bad").appendingPathComponent("tokenizer.bpe")
        try write("longlora-bpe 1\nvocab 1024\n104 101\n259 x\n", to: file)
        #expect(userErrorText { _ = try BPETokenizer(contentsOf: file) } == "\(file.path):4: expected two token ids 'left right', got '259 x'")
        try write("longlora-bpe 1\nvocab 1024\n104 300\n", to: file)
        #expect(userErrorText { _ = try BPETokenizer(contentsOf: file) }.contains("not yet defined"))
    }

    @Test func benchmarkReportsThroughput() throws {
        let result = TokenizerBenchmark.measure(ByteTokenizer(), text: Array(sampleText.utf8), minimumSeconds: 0.01)
        #expect(result.megabytesPerSecond > 0 && result.tokensPerByte == 1)
    }
}
