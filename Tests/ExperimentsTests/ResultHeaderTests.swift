import Foundation
import Testing
import Experiments
import Results

@Suite struct ResultHeaderTests {
    @Test func defaultLayoutPaperNumbersAndTolerancesComeFromTheSpec() throws {
        let yaml = microSpec(corpus: "tiny") + """
            paper:
              source: "Table 1"
              rows: {"steps=4": {"64": 7.5}}
            tolerances: {perplexity: 0.05}

            """
        let spec = try SpecParser.parse(yaml, file: "micro.yaml", overrides: [])
        let header = try ResultHeaderBuilder.header(spec, runs: try Sweep.expand(spec))
        #expect(header.experiment == "micro" && header.spec == yaml)
        let layout = try Layout.parse(header.layout, source: "header")
        let main = try #require(layout.tables.first)
        #expect(main.name == "main" && main.selection.rows == ["label"])
        #expect(main.selection.value == "eval/tiny-test/perplexity" && main.selection.columns == .eval("length"))
        #expect(main.selection.where["attention"] == ScalarLabel("full"))
        _ = try PaperNumbers.parse(header.paper, source: "header")  // readable by `table`
        #expect(header.paper?.contains("\"row\":[\"4 steps\"]") == true, "\(header.paper ?? "")")
        #expect(header.tolerances == "{\"perplexity\":0.05}")
    }

    @Test func paperRowsMustNameASetting() throws {
        let yaml = microSpec(corpus: "tiny") + "paper:\n  rows: {\"steps=9\": {\"64\": 7.5}}\n"
        let spec = try SpecParser.parse(yaml, file: "micro.yaml", overrides: [])
        #expect(throws: (any Error).self) { try ResultHeaderBuilder.header(spec, runs: try Sweep.expand(spec)) }
    }
}
