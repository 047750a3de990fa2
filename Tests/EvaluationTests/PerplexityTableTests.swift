import Evaluation
import Model
import Testing

@Suite struct PerplexityTableTests {
    let row = PerplexityResult(
        data: "pg19-mini:test", length: 1024, evaluationProtocol: .strided, stride: 256,
        attention: AttentionChoice(pattern: AttentionKind(rawValue: "s2")!, groupSize: .ratio(0.25)), windows: 2, totalWindows: 2,
        tokens: 1535, totalNLL: 1535 * 1.5, bytes: 1535, windowLosses: [1.5, 1.5])

    @Test func csvHeaderIsExact() {
        #expect(PerplexityTable.csvHeader == "data,length,protocol,stride,attention,windows,tokens,loss,perplexity,bits_per_byte")
        let lines = PerplexityTable.csv([row]).split(separator: "\n")
        #expect(lines.first == "data,length,protocol,stride,attention,windows,tokens,loss,perplexity,bits_per_byte")
        #expect(lines[1] == "pg19-mini:test,1024,strided,256,s2:0.25,2,1535,1.500000,4.4817,2.164043")
        var tokens = row
        tokens.attention = AttentionChoice(pattern: AttentionKind(rawValue: "short")!, groupSize: .tokens(256))
        #expect(PerplexityTable.csv([tokens]).contains(",short:256t,"))
    }

    @Test func csvQuotesFieldsWithCommasAndLeavesUnknownBitsPerByteEmpty() {
        var r = row
        r.data = "a,b"
        r.bytes = nil
        r.attention = .full
        #expect(PerplexityTable.csv([r]).split(separator: "\n")[1] == "\"a,b\",1024,strided,256,full,2,1535,1.500000,4.4817,")
    }

    @Test func markdownHasOneRowPerResult() {
        let md = PerplexityTable.markdown([row, row])
        #expect(md.split(separator: "\n").count == 4)
        #expect(md.contains("| 0.0000 |"))  // standard error of two equal losses
    }
}
