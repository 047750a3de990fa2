import Evaluation
import Model
import Testing

@Suite struct PerplexityTableTests {
    let row = PerplexityResult(
        data: "pg19-mini:test", length: 1024, evaluationProtocol: .strided, stride: 256,
        attention: AttentionChoice(pattern: AttentionKind(rawValue: "s2")!, groupSize: .ratio(0.25)), windows: 2, totalWindows: 2,
        tokens: 1535, totalNLL: 1535 * 1.5, bytes: 1535, windowLosses: [1.5, 1.75])

    @Test func csvHeaderIsExact() {
        let header = "data,length,protocol,stride,attention,windows,tokens,loss,loss_se,perplexity,bits_per_byte"
        #expect(PerplexityTable.csvHeader.joined(separator: ",") == header)
        let lines = PerplexityTable.render([row], as: .csv).split(separator: "\n")
        #expect(lines.first.map(String.init) == header)
        // Strided: the loss is the total NLL over tokens (1.5); the standard error that of the
        // two window losses, |1.75 - 1.5| / 2.
        #expect(lines[1] == "pg19-mini:test,1024,strided,256,s2:0.25,2,1535,1.500000,0.125000,4.4817,2.164043")
        var tokens = row
        tokens.attention = AttentionChoice(pattern: AttentionKind(rawValue: "short")!, groupSize: .tokens(256))
        #expect(PerplexityTable.render([tokens], as: .csv).contains(",short:256t,"))
    }

    @Test func csvQuotesFieldsWithCommasAndLeavesUnknownValuesEmpty() {
        var r = row
        r.data = "a,b"
        r.bytes = nil
        r.attention = .full
        r.windows = 1
        r.windowLosses = [1.5]
        #expect(PerplexityTable.render([r], as: .csv).split(separator: "\n")[1]
                == "\"a,b\",1024,strided,256,full,1,1535,1.500000,,4.4817,")
    }

    /// The standard error Markdown shows is the one CSV carries, rounded.
    @Test func markdownAndCSVCarryTheSameStandardError() {
        let md = PerplexityTable.render([row, row], as: .md)
        #expect(md.split(separator: "\n").count == 4)
        #expect(md.hasPrefix("| data | length | protocol | stride | attention | windows | tokens | loss | s.e. | perplexity | bits/byte |\n"
                             + "|---|---:|---|---:|---|---:|---:|---:|---:|---:|---:|\n"))
        #expect(md.contains("| 1.5000 | 0.1250 | 4.482 |"))
        let tex = PerplexityTable.render([row], as: .latex)
        #expect(tex.contains("pg19-mini:test & 1024 & strided & 256 & s2:0.25 & 2 & 1535 & 1.5000 & 0.1250 & 4.482 & 2.1640 \\\\"))
    }
}
