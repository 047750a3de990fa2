import ArgumentParser
import Foundation
import Reports
import Results
import Support

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw the figures of a result file with gnuplot; keeps each .gp script and .dat file beside its image.")

    @Argument(help: "A result file (results/<experiment>.h5).")
    var results: String

    @Option(help: "Image format; several separated by commas (png,svg).")
    var format = PlotFormats([.png])

    @Option(help: "Output directory; figures are named <experiment>-<figure>.<ext>.")
    var out: String = "plots"

    @Option(help: "Only the figure with this name (default: every figure of the layout).")
    var figure: String?

    @Flag(help: "Every run, stale ones too (as series of their own); default: the current runs.")
    var all = false

    func run() throws {
        for image in try Self.render(URL(fileURLWithPath: results), formats: format.formats, into: URL(fileURLWithPath: out),
                                     figure: figure, all: all) {
            print(image.relativePath)
        }
    }

    /// Draws the figures of a result file; returns the images written (also used by `longlora run`).
    static func render(_ url: URL, formats: [PlotFormat], into directory: URL, figure: String? = nil,
                       all: Bool = false) throws -> [URL] {
        let file = try ResultFile.read(url).forTables(all: all)
        var figures = try Layout.parse(file.header.layout, source: url.path).figures
        if let figure {
            let names = figures.map(\.name).joined(separator: ", ")
            figures = figures.filter { $0.name == figure }
            guard !figures.isEmpty else {
                throw UserError("\(url.path): no figure '\(figure)' in the layout (figures: \(names.isEmpty ? "none" : names))")
            }
        }
        guard !figures.isEmpty else { throw UserError("\(url.path): the layout defines no figures") }
        return try figures.flatMap { try Figure.make($0, from: file).render(into: directory, formats: formats) }
    }
}
