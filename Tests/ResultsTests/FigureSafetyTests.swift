import Foundation
import Results
import Support
import Testing
@testable import Reports

/// Strings from a spec or a result file reach gnuplot scripts and file names: they must
/// stay data (no command runs) and names must stay inside the output folder.
@Suite struct FigureSafetyTests {
    @Test func aNewlineInATitleRunsNothing() throws {
        guard Shell.has("gnuplot") else { return }
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let marker = dir.appendingPathComponent("injected")
        let attack = "ppl'\nsystem('touch \(marker.path)')\nset title 'x"
        let layout = FigureLayout(name: "ppl", kind: .lines, title: attack,
                                  selection: FigureTests.selection, xlabel: attack, logx: true)
        // A series label from a run's config (JSON "\n" is a newline once decoded).
        let runs = TableTests.runs() + [Fixtures.run(id: "evil", attention: "evil\\nsystem('touch \(marker.path)')")]
        let figure = try Figure.make(layout, from: Fixtures.file(runs))
        #expect(!figure.script.contains("\nsystem("))
        #expect(!figure.data.contains("\nsystem("))
        _ = try figure.render(into: dir, formats: [.png])
        #expect(!FileManager.default.fileExists(atPath: marker.path), "a title ran a shell command through gnuplot")
    }

    @Test func namesThatWouldLeaveTheFolderAreRefused() throws {
        for bad in ["../../x", "a/b", "..", ".hidden", "a\nb", String(repeating: "x", count: 200), ""] {
            var file = Fixtures.file(TableTests.runs())
            file.header.experiment = bad
            let layout = FigureLayout(name: "ppl", kind: .lines, selection: FigureTests.selection)
            #expect(throws: UserError.self, "experiment name \(String(reflecting: bad))") { try Figure.make(layout, from: file) }
            let badFigure = FigureLayout(name: bad, kind: .lines, selection: FigureTests.selection)
            #expect(throws: UserError.self, "figure name \(String(reflecting: bad))") {
                try Figure.make(badFigure, from: Fixtures.file(TableTests.runs()))
            }
        }
    }
}
