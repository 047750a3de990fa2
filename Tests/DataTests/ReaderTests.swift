import Data
import Foundation
import Support
import Testing

@Suite struct ReaderTests {
    @Test func pg19FolderKeepsItsSplitsAndReadsMetadata() throws {
        let root = try temporaryDirectory("pg19")
        try write("Book one.\n", to: root.appendingPathComponent("train/101.txt"))
        try write("Book two.\n", to: root.appendingPathComponent("train/102.txt"))
        try write("Validation book.\n", to: root.appendingPathComponent("validation/201.txt"))
        try write("Test book.\n", to: root.appendingPathComponent("test/301.txt"))
        try write("ignored", to: root.appendingPathComponent("test/notes.md"))
        try write("_id,short_book_title,publication_date,url\n101,\"One, a novel\",1900,http://x\n", to: root.appendingPathComponent("metadata.csv"))
        let reader = PG19Reader(root: root)
        let docs = try reader.read()
        #expect(docs.train.map(\.name) == ["train/101.txt", "train/102.txt"])
        #expect(docs.validation.map(\.name) == ["validation/201.txt"])
        #expect(docs.test.count == 1 && docs.test[0].text == Array("Test book.\n".utf8))
        #expect(try reader.titles() == ["101": "One, a novel"])
    }

    @Test func pg19RejectsAFolderWithoutSplits() throws {
        let root = try temporaryDirectory("pg19-empty")
        let text = userErrorText { _ = try PG19Reader(root: root).read() }
        #expect(text.contains(root.path) && text.contains("train/, validation/, test/"))
    }

    @Test func proofPilePlainAndConcatenatedGzipMembers() throws {
        let root = try temporaryDirectory("proofpile")
        try write("{\"text\": \"theorem a\", \"meta\": {\"source\": \"x\"}}\n{\"text\": \"lemma b\\n\", \"meta\": {}}\n",
                  to: root.appendingPathComponent("train/part0.jsonl"))
        // Two gzip members back to back, as `cat a.gz b.gz` makes.
        let first = try Gzip.compress(Array("{\"text\": \"dev one\", \"meta\": {}}\n".utf8))
        let second = try Gzip.compress(Array("{\"text\": \"dev two é\"}\n".utf8))
        try write(first + second, to: root.appendingPathComponent("dev/part0.jsonl.gz"))
        try write("{\"text\": \"test doc\"}\n", to: root.appendingPathComponent("test/t.jsonl"))
        let docs = try ProofPileReader(root: root).read()
        #expect(docs.train.map { String(decoding: $0.text, as: UTF8.self) } == ["theorem a", "lemma b\n"])
        #expect(docs.validation.map { String(decoding: $0.text, as: UTF8.self) } == ["dev one", "dev two é"])
        #expect(docs.validation.map(\.name) == ["dev/part0.jsonl.gz:1", "dev/part0.jsonl.gz:2"])
        #expect(docs.test.count == 1)
    }

    @Test func malformedJSONLineNamesFileAndLine() throws {
        let root = try temporaryDirectory("proofpile-bad")
        let file = root.appendingPathComponent("train/bad.jsonl")
        try write("{\"text\": \"ok\"}\n{\"text\": \"unterminated}\n", to: file)
        #expect(userErrorText { _ = try ProofPileReader(root: root).read() }.hasPrefix("\(file.path):2: malformed JSON"))
        try write("{\"text\": \"ok\"}\n\n{\"title\": \"no text\"}\n", to: file)
        #expect(userErrorText { _ = try ProofPileReader(root: root).read() } == "\(file.path):3: missing string field \"text\"")
    }

    @Test func truncatedGzipIsAnErrorWithFileAndLine() throws {
        let root = try temporaryDirectory("proofpile-gz")
        let lines = (1...200).map { "{\"text\": \"line \($0) \(String(repeating: "x", count: $0))\"}\n" }.joined()
        let gz = try Gzip.compress(Array(lines.utf8))
        let file = root.appendingPathComponent("test/cut.jsonl.gz")
        try write(Array(gz.prefix(gz.count / 2)), to: file)
        let text = userErrorText { _ = try ProofPileReader(root: root).read() }
        #expect(text.hasPrefix("\(file.path):"))
        #expect(text.contains("truncated"))
        // A corrupted byte in the middle is reported too (bad deflate data or CRC).
        var broken = gz
        broken[gz.count / 2] ^= 0xFF
        try write(broken, to: file)
        #expect(userErrorText { _ = try ProofPileReader(root: root).read() }.contains("gzip stream"))
    }

    @Test func gzipRoundTripOfRandomBytes() throws {
        let bytes = randomBytes(100_000, seed: 3)
        #expect(try Gzip.decompress(try Gzip.compress(bytes), name: "x") == bytes)
    }

    @Test func textFolderAndSingleFile() throws {
        let root = try temporaryDirectory("text")
        try write("alpha\n", to: root.appendingPathComponent("b.txt"))
        try write("beta\n", to: root.appendingPathComponent("a/c.txt"))
        try write("hidden\n", to: root.appendingPathComponent(".hidden"))
        #expect(try TextReader(path: root).read().map(\.name) == ["a/c.txt", "b.txt"])
        let single = root.appendingPathComponent("book.txt")
        let text = (1...100).map { "line \($0)\n" }.joined()
        try write(text, to: single)
        let pieces = try TextReader(path: single).read()
        #expect(pieces.count == 10)
        #expect(pieces.flatMap(\.text) == Array(text.utf8))
        #expect(pieces.allSatisfy { $0.text.last == 0x0A })
    }
}
