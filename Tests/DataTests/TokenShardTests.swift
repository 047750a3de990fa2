import Data
import Foundation
import Testing

@Suite struct TokenShardTests {
    func roundTrip(vocabSize: Int, width: Int) throws {
        let dir = try temporaryDirectory("shard")
        let docs: [[Int32]] = [[1, 2, 3], [], [Int32(vocabSize - 1), 0, 7, 7, 9]]
        let eos: Int32 = 5
        let url = dir.appendingPathComponent("x.tokens")
        let written = try TokenShardWriter.write(docs, eos: eos, vocabSize: vocabSize, to: url)
        let shard = try TokenShard(contentsOf: url)
        #expect(written == 11 && shard.count == 11 && shard.width == width)
        #expect(shard.documentOffsets == [0, 4, 5, 11])
        #expect(shard.tokens(0..<shard.count) == [1, 2, 3, 5, 5, Int32(vocabSize - 1), 0, 7, 7, 9, 5])
        #expect(shard[5] == Int32(vocabSize - 1))
        #expect(shard.document(2) == docs[2] + [eos])
        var buffer = [Int32](repeating: -1, count: 3)
        buffer.withUnsafeMutableBufferPointer { shard.copy(4..<7, into: $0.baseAddress!) }
        #expect(buffer == [5, Int32(vocabSize - 1), 0])
        // File size: header + ids padded to 8 bytes + offsets.
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
        #expect(size == 32 + (11 * width + 7) / 8 * 8 + 4 * 8)
    }

    @Test func uint16RoundTrip() throws { try roundTrip(vocabSize: 4096, width: 2) }
    @Test func uint32RoundTrip() throws { try roundTrip(vocabSize: 100_000, width: 4) }

    @Test func longLoRABinIsFlatUInt16() throws {
        let url = try temporaryDirectory("bin").appendingPathComponent("test.bin")
        let ids: [UInt16] = [1, 31999, 2, 500]
        try write(ids.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, to: url)
        let shard = try TokenShard(longLoRABin: url)
        #expect(shard.tokens(0..<4) == [1, 31999, 2, 500] && shard.documentOffsets == [0, 4])
        try write([1, 2, 3], to: url)
        #expect(userErrorText { _ = try TokenShard(longLoRABin: url) }.contains("not a whole number of uint16"))
    }

    @Test func corruptShardsAndOutOfVocabularyIdsAreErrors() throws {
        let dir = try temporaryDirectory("shard-bad")
        let url = dir.appendingPathComponent("x.tokens")
        try TokenShardWriter.write([[1, 2, 3]], eos: 0, vocabSize: 10, to: url)
        let bytes = [UInt8](try Foundation.Data(contentsOf: url))
        try write(Array(bytes.dropLast(8)), to: url)
        #expect(userErrorText { _ = try TokenShard(contentsOf: url) }.contains("truncated or corrupt"))
        try write(Array("hello".utf8), to: url)
        #expect(userErrorText { _ = try TokenShard(contentsOf: url) }.contains("not a token shard"))
        #expect(userErrorText { try TokenShardWriter.write([[1, 10]], eos: 0, vocabSize: 10, to: url) }.contains("outside the vocabulary"))
    }

    @Test func emptyShardHasOnlyTheEndOffset() throws {
        let url = try temporaryDirectory("shard-empty").appendingPathComponent("e.tokens")
        #expect(try TokenShardWriter.write([], eos: 257, vocabSize: 259, to: url) == 0)
        let shard = try TokenShard(contentsOf: url)
        #expect(shard.count == 0 && shard.documentOffsets == [0] && shard.tokens(0..<0).isEmpty)
    }

    @Test func inMemoryStreamMatchesArray() {
        let shard = TokenShard(tokens: [3, -1, 70000], documentOffsets: [0, 3])
        #expect(shard.tokens(0..<3) == [3, -1, 70000] && shard.count == 3)
    }
}
