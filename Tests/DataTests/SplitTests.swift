import Data
import Testing

@Suite struct SplitTests {
    static let documents = (0..<50).map { Document(name: "doc\($0)", text: "text \($0)") }

    @Test func splitIsDeterministicAndIndependentOfInputOrder() throws {
        let a = try DocumentSplitter(seed: 42).split(Self.documents)
        let b = try DocumentSplitter(seed: 42).split(Self.documents.reversed())
        for split in Split.allCases { #expect(a[split].map(\.name) == b[split].map(\.name)) }
        #expect(a.train.count == 40 && a.validation.count == 5 && a.test.count == 5)
        #expect(Set(a.all.map(\.name)) == Set(Self.documents.map(\.name)), "every document in exactly one split")
        #expect(a.all.count == Self.documents.count)
    }

    @Test func seedChangesTheAssignment() throws {
        let a = try DocumentSplitter(seed: 1).split(Self.documents)
        let b = try DocumentSplitter(seed: 2).split(Self.documents)
        #expect(a.test.map(\.name) != b.test.map(\.name))
        #expect(a.test.count == b.test.count)
    }

    @Test func smallCorporaStillFillEverySplit() throws {
        let three = try DocumentSplitter(seed: 0).split(Array(Self.documents.prefix(3)))
        #expect(three.train.count == 1 && three.validation.count == 1 && three.test.count == 1)
        let dup = [Document(name: "x", text: "a"), Document(name: "x", text: "b")]
        #expect(userErrorText { _ = try DocumentSplitter(seed: 0).split(dup) }.contains("'x'"))
    }
}
