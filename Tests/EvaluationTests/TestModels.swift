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

/// Byte-level codec: ids 0...255 are bytes, 256 is BOS (the harness's byte tokenizer).
let byteCodec = TextCodec(
    encode: { $0.map { Int32($0) } },
    decode: { $0.filter { $0 < 256 }.map { UInt8($0) } },
    bos: 256)

/// A coarser codec: one token per 4 bytes (ids are not decodable; for length tests).
let fourByteCodec = TextCodec(
    encode: { bytes in
        Swift.stride(from: 0, to: bytes.count, by: 4).map { i in
            Int32(bytes[i..<min(i + 4, bytes.count)].reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF })
        }
    },
    decode: { _ in [] },
    bos: 0)
