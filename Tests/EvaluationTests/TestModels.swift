import Data
import Evaluation
import Foundation

/// Equal probability for every token: loss log V everywhere, so perplexity is V.
struct UniformModel: CausalLanguageModel {
    var vocabSize: Int

    func nextTokenLosses(_ tokens: [Int32], attention: AttentionChoice) throws -> [Float] {
        [Float](repeating: Float(log(Double(vocabSize))), count: tokens.count - 1)
    }

    func makeDecoder() throws -> any IncrementalDecoder { Decoder(vocabSize: vocabSize) }

    struct Decoder: IncrementalDecoder {
        var vocabSize: Int
        var position = 0
        mutating func append(_ token: Int32) throws -> [Float] {
            position += 1
            return [Float](repeating: 0, count: vocabSize)
        }
    }
}

/// Loss of each prediction = the target id: with the stream 0, 1, 2, ... a window's
/// losses name the stream positions it scored, so sums are easy to work out by hand.
struct TargetEchoModel: CausalLanguageModel {
    var vocabSize: Int

    func nextTokenLosses(_ tokens: [Int32], attention: AttentionChoice) throws -> [Float] {
        tokens.dropFirst().map { Float($0) }
    }

    func makeDecoder() throws -> any IncrementalDecoder { UniformModel.Decoder(vocabSize: vocabSize) }
}

/// A model that reads its whole context and answers `answerKey` (or the key written in
/// the prompt, when nil) after "The pass key is": a stand-in for a model that retrieves.
struct PasskeyOracle: CausalLanguageModel {
    var vocabSize = 259
    var answerKey: Int?

    func nextTokenLosses(_ tokens: [Int32], attention: AttentionChoice) throws -> [Float] {
        [Float](repeating: 0, count: tokens.count - 1)
    }

    func makeDecoder() throws -> any IncrementalDecoder { Decoder(vocabSize: vocabSize, answerKey: answerKey) }

    struct Decoder: IncrementalDecoder {
        var vocabSize: Int
        var answerKey: Int?
        var context: [UInt8] = []
        var position: Int { context.count }

        mutating func append(_ token: Int32) throws -> [Float] {
            context.append(token < 256 ? UInt8(token) : 0)
            let text = String(decoding: context, as: UTF8.self)
            let marker = "What is the pass key? The pass key is"
            guard let range = text.range(of: marker) else { return oneHot(0) }
            let key = answerKey ?? PasskeyPrompt.parseKey(String(text[text.range(of: "The pass key is ")!.upperBound...]))!
            let answer = Array(" \(key)".utf8)
            let written = text.utf8.count - text[..<range.upperBound].utf8.count
            return oneHot(Int(answer[min(written, answer.count - 1)]))
        }

        func oneHot(_ index: Int) -> [Float] {
            var logits = [Float](repeating: 0, count: vocabSize)
            logits[index] = 1
            return logits
        }
    }
}

/// A coarser tokenizer: one token per 4 bytes (for prompt-length tests; not decodable).
struct FourByteTokenizer: Tokenizer {
    var id: String { "four-byte" }
    var vocabSize: Int { 65539 }
    var bos: Int32 { 65536 }
    var eos: Int32 { 65537 }
    var pad: Int32 { 65538 }

    func encode(_ bytes: some Collection<UInt8>) -> [Int32] {
        let b = Array(bytes)
        return Swift.stride(from: 0, to: b.count, by: 4).map { i in
            Int32(b[i..<min(i + 4, b.count)].reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF })
        }
    }

    func decode(_ ids: [Int32]) -> [UInt8] { [] }
}
