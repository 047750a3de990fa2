import Crypto
import Data
import Foundation
import Hashing
import Support
import Testing

@Suite struct CorpusBuilderTests {
    /// A text folder of 30 small files, built byte-level and with BPE.
    func textCorpus() throws -> URL {
        let input = try temporaryDirectory("text-input")
        for i in 0..<30 {
            try write(String(repeating: sampleText, count: 1 + i % 4) + "document \(i)\n",
                      to: input.appendingPathComponent(String(format: "f%02d.txt", i)))
        }
        return input
    }

    /// Every `--from` input file is in the manifest with its SHA-256, a lone file and a
    /// folder alike, and editing one byte of one file moves the manifest (same length, same
    /// token counts: only the checksum can tell).
    @Test func everyInputFileIsChecksummed() throws {
        let data = try temporaryDirectory("data")
        let folder = try textCorpus()
        let single = try temporaryDirectory("text-file").appendingPathComponent("book.txt")
        try write(String(repeating: sampleText, count: 20), to: single)
        for (input, count) in [(folder, 30), (single, 1)] {
            var builder = CorpusBuilder(corpus: "mine", dataDirectory: data)
            builder.input = (input, .text)
            let manifest = try builder.build()
            #expect(manifest.files.count == count)
            let edited = count == 1 ? input : input.appendingPathComponent("f07.txt")
            #expect(manifest.files[count == 1 ? "book.txt" : "f07.txt"] == (try SHA256.hash(fileAt: edited).hex))
            let before = try Foundation.Data(contentsOf: data.appendingPathComponent("mine/manifest.json"))
            var bytes = try [UInt8](Foundation.Data(contentsOf: edited))
            bytes[3] = bytes[3] == UInt8(ascii: "q") ? UInt8(ascii: "z") : UInt8(ascii: "q")
            try Foundation.Data(bytes).write(to: edited)
            let rebuilt = try builder.build()
            let after = try Foundation.Data(contentsOf: data.appendingPathComponent("mine/manifest.json"))
            #expect(rebuilt.splits == manifest.splits, "the edit keeps every count")
            #expect(after != before)
        }
    }

    @Test(arguments: [TokenizerKind.byte, .bpe])
    func manifestMatchesShards(tokenizer: TokenizerKind) throws {
        let data = try temporaryDirectory("data")
        var builder = CorpusBuilder(corpus: "mine", dataDirectory: data)
        builder.input = (try textCorpus(), .text)
        builder.tokenizer = tokenizer
        builder.vocabSize = 1024
        builder.seed = 9
        builder.threads = 2
        let manifest = try builder.build()

        // The literal keys of the contract, read back as raw JSON.
        let dir = data.appendingPathComponent("mine")
        let json = try JSONSerialization.jsonObject(with: Foundation.Data(contentsOf: dir.appendingPathComponent("manifest.json"))) as! [String: Any]
        #expect(json["corpus"] as? String == "mine")
        #expect(json["seed"] as? Int == 9)
        #expect((json["tokenizer"] as? [String: Any])?["id"] as? String == manifest.tokenizer.id)
        #expect(json["packages"] is [String: Any] && json["files"] is [String: Any])
        let splits = try #require(json["splits"] as? [String: [String: Any]])
        #expect(Set(splits.keys) == ["train", "validation", "test"])

        let tokenizerUsed = try manifest.loadTokenizer(directory: dir)
        #expect(tokenizerUsed.id == (tokenizer == .byte ? "byte" : manifest.tokenizer.id))
        if tokenizer == .bpe {
            #expect(manifest.tokenizer.merges == "tokenizer.bpe" && manifest.tokenizer.id.hasPrefix("bpe1024-"))
        }
        var documents = 0
        for split in Split.allCases {
            let info = try #require(manifest.split(split))
            #expect(splits[split.rawValue]?["documents"] as? Int == info.documents)
            #expect(splits[split.rawValue]?["tokens"] as? Int == info.tokens)
            #expect(splits[split.rawValue]?["bytes"] as? Int == info.bytes)
            let shard = try TokenShard(contentsOf: dir.appendingPathComponent(info.shard))
            #expect(shard.count == info.tokens && shard.documentCount == info.documents && info.documents > 0)
            // Decoding each document (EOS dropped) gives back exactly the text bytes.
            var bytes = 0
            for d in 0..<shard.documentCount {
                let ids = shard.document(d)
                #expect(ids.last == tokenizerUsed.eos)
                bytes += tokenizerUsed.decode(Array(ids.dropLast())).count
            }
            #expect(bytes == info.bytes)
            documents += info.documents
        }
        #expect(documents == 30)
        if tokenizer == .byte { #expect(manifest.split(.train)!.tokens == manifest.split(.train)!.bytes + manifest.split(.train)!.documents) }

        // The same seed rebuilds identical shards; no temporary files are left behind.
        let first = try Foundation.Data(contentsOf: dir.appendingPathComponent("test.tokens"))
        try builder.build()
        #expect(try Foundation.Data(contentsOf: dir.appendingPathComponent("test.tokens")) == first)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    @Test func pg19InputKeepsItsOwnSplitsAndLoadsAsDataSource() throws {
        let input = try temporaryDirectory("pg19-in")
        try write("Train text.\n", to: input.appendingPathComponent("train/1.txt"))
        try write("Valid text.\n", to: input.appendingPathComponent("validation/2.txt"))
        try write("Test text!\n", to: input.appendingPathComponent("test/3.txt"))
        let data = try temporaryDirectory("data")
        var builder = CorpusBuilder(corpus: "pg", dataDirectory: data)
        builder.input = (input, .pg19)
        let manifest = try builder.build()
        #expect(manifest.splitMethod == "the input's own split folders")
        #expect(manifest.split(.test) == .init(documents: 1, tokens: 12, bytes: 11, shard: "test.tokens"))

        let built = try DataSource.parse("pg:test", dataDirectory: data)
        #expect(built == .corpus(directory: data.appendingPathComponent("pg"), split: .test))
        let stream = try built.load()
        #expect(stream.bytes == 11 && stream.tokens.count == 12 && stream.name == "pg:test")
        #expect(stream.tokenizer?.decode(stream.tokens.tokens(0..<12)) == Array("Test text!\n".utf8))
        #expect(stream.tokens[11] == ByteTokenizer.eos)

        // The raw folder, tokenized on the fly, gives the same stream.
        let raw = try DataSource.parse(input.path + ":test", dataDirectory: data)
        #expect(raw == .pg19(URL(fileURLWithPath: input.path), split: .test))
        let rawStream = try raw.load()
        #expect(rawStream.tokens.tokens(0..<rawStream.tokens.count) == stream.tokens.tokens(0..<stream.tokens.count))
    }

    @Test func dataSourceParsesEveryKind() throws {
        let dir = try temporaryDirectory("sources")
        let bin = dir.appendingPathComponent("test.bin")
        try write([1, 0, 2, 0], to: bin)
        #expect(try DataSource.parse(bin.path, dataDirectory: dir) == .longLoRABin(bin))
        #expect(try DataSource.parse(bin.path, dataDirectory: dir).load().tokens.tokens(0..<2) == [1, 2])
        #expect(try DataSource.parse("pg19-mini", dataDirectory: dir) == .corpus(directory: dir.appendingPathComponent("pg19-mini"), split: .test))
        #expect(try DataSource.parse("proof-pile-mini:validation", dataDirectory: dir)
                == .corpus(directory: dir.appendingPathComponent("proof-pile-mini"), split: .validation))
        let pp = dir.appendingPathComponent("pp")
        try write("{\"text\": \"a\"}\n", to: pp.appendingPathComponent("dev/x.jsonl"))
        #expect(try DataSource.parse(pp.path + ":dev", dataDirectory: dir) == .proofPile(URL(fileURLWithPath: pp.path), split: .validation))
        let txt = dir.appendingPathComponent("notes.txt")
        try write("hello\n", to: txt)
        #expect(try DataSource.parse(txt.path, dataDirectory: dir) == .text(txt))
        #expect(try DataSource.parse(txt.path, dataDirectory: dir).load().bytes == 6)
    }
}
