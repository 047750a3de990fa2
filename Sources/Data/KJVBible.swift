import Foundation
import Support

/// The King James Bible as printed by the `bible` program (packages bible-kjv and
/// bible-kjv-text): one document per biblical book, 66 in all.
public enum KJVBible {
    static let packages = ["bible-kjv", "bible-kjv-text"]

    static func documents(in environment: DebianEnvironment, corpus: String,
                          sources: inout CorpusSources) throws -> [SourcedDocument] {
        let program = try environment.require("/usr/bin/bible", package: "bible-kjv")
        let data = try environment.require("/usr/lib/bible.data", package: "bible-kjv-text")
        let concordance = try environment.require("/usr/lib/bible.data.conc", package: "bible-kjv-text")
        for package in packages {
            sources.packages[package] = try DebianPackage.version(package, corpus: corpus, in: environment)
        }
        // Pretty-printed (the default), 79 columns: reads like a printed book, with
        // "Genesis 1" style chapter headings between blank lines.
        guard let result = Shell.run([program.path, "-l", "79", "-p", data.deletingLastPathComponent().path,
                                      "Gen1:1-Rev22:21"]),
              result.status == 0 else {
            throw UserError("\(program.path) failed to print the Bible",
                            hint: DebianPackage.installCommand(packages))
        }
        let books = splitBooks([UInt8](result.stdout))
        guard books.count == 66 else {
            throw UserError("\(program.path) printed \(books.count) books, expected 66",
                            hint: "apt-get install --reinstall -y \(packages.joined(separator: " "))")
        }
        return books.enumerated().map { index, book in
            SourcedDocument(Document(name: "kjv/\(String(format: "%02d", index + 1)) \(book.title)", text: book.text),
                            files: [program, data, concordance])
        }
    }

    /// Cuts the printed text where the chapter heading's book name changes.
    /// A heading is a line "<Book> <chapter>" with a blank line before and after it.
    public static func splitBooks(_ output: [UInt8]) -> [(title: String, text: [UInt8])] {
        let lines = output.split(separator: 0x0A, omittingEmptySubsequences: false)
        var books: [(title: String, text: [UInt8])] = []
        for (i, line) in lines.enumerated() {
            if let book = heading(line), i > 0, lines[i - 1].isEmpty, i + 1 < lines.count, lines[i + 1].isEmpty,
               books.last?.title != book {
                books.append((book, []))
            }
            guard !books.isEmpty else { continue }
            if books[books.count - 1].text.isEmpty && line.isEmpty { continue }
            books[books.count - 1].text += line
            books[books.count - 1].text.append(0x0A)
        }
        return books
    }

    /// "1 Samuel 12" -> "1 Samuel"; verse lines start with spaces, so they never match.
    static func heading(_ line: ArraySlice<UInt8>) -> String? {
        let text = String(decoding: line, as: UTF8.self)
        guard let space = text.lastIndex(of: " "), !text.hasPrefix(" "),
              Int(text[text.index(after: space)...]) != nil else { return nil }
        let name = String(text[..<space])
        return name.isEmpty || name.count > 40 ? nil : name
    }
}
