import Support
import Testing

/// The one table renderer: what each format does with awkward cells.
@Suite struct TextTableTests {
    static let table = TextTable(
        header: ["name", "note", "value"],
        rows: [["plain", "a, b", "1.5"],
               ["say \"hi\"", "two\nlines", "-2"],
               ["50% | x_1 & {y} $#", "~^\\", "12.00 ± 4.97"],
               ["", "–", ""]],
        alignments: [.left, .left, .right], title: "Title", notes: ["_a note_"])

    /// RFC 4180: commas, quotes and line breaks enclose the field in quotes, quotes are
    /// doubled, nothing else is touched; empty fields stay empty. No title or notes.
    @Test func csvQuotesCommasQuotesAndNewlines() {
        #expect(Self.table.render(.csv) == """
            name,note,value
            plain,"a, b",1.5
            "say ""hi""\",\"two
            lines",-2
            50% | x_1 & {y} $#,~^\\,12.00 ± 4.97
            ,–,

            """)
        #expect(TextTable(header: ["a"], rows: [["x\r"]]).render(.csv) == "a\n\"x\r\"\n")
    }

    @Test func markdownEscapesPipesAndNewlinesAndAlignsColumns() {
        #expect(Self.table.render(.md) == """
            **Title**

            | name | note | value |
            |---|---|---:|
            | plain | a, b | 1.5 |
            | say "hi" | two lines | -2 |
            | 50% \\| x_1 & {y} $# | ~^\\ | 12.00 ± 4.97 |
            |  | – |  |

            _a note_

            """)
    }

    @Test func latexEscapesSpecialCharacters() {
        #expect(Self.table.render(.latex) == """
            % Title
            \\begin{tabular}{llr}
            \\toprule
            name & note & value \\\\
            \\midrule
            plain & a, b & 1.5 \\\\
            say "hi" & two lines & -2 \\\\
            50\\% | x\\_1 \\& \\{y\\} \\$\\# & \\textasciitilde{}\\textasciicircum{}\\textbackslash{} & 12.00 $\\pm$ 4.97 \\\\
             & -- &  \\\\
            \\bottomrule
            \\end{tabular}

            """)
    }

    @Test func columnsDefaultToLeftAndAnEmptyTableKeepsItsHeader() {
        let empty = TextTable(header: ["a", "b"])
        #expect(empty.render(.md) == "| a | b |\n|---|---|\n")
        #expect(empty.render(.csv) == "a,b\n")
        #expect(empty.render(.latex).contains("\\begin{tabular}{ll}\n\\toprule\na & b \\\\\n\\midrule\n\\bottomrule\n"))
    }
}
