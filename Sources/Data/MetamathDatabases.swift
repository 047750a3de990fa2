import Foundation
import Support

/// The Metamath databases of metamath-databases (`set.mm`, `iset.mm`, `nf.mm`, ...),
/// cut into documents at part and chapter banners: a comment opening `$(` whose next
/// line is a `####...` (part) or `#*#*...` (chapter) rule. Text before the first banner
/// is a document of its own; a database without banners is one document.
public enum MetamathDatabases {
    static let package = "metamath-databases"
    static let folder = "/usr/share/metamath/databases"

    static func documents(in environment: DebianEnvironment, corpus: String,
                          sources: inout CorpusSources) throws -> [SourcedDocument] {
        let dir = try environment.require(folder, package: package)
        sources.packages[package] = try DebianPackage.version(package, corpus: corpus, in: environment)
        let files = try FileReading.files(in: dir, where: { $0.hasSuffix(".mm") })
        guard !files.isEmpty else {
            throw UserError("\(dir.path) holds no .mm files", hint: DebianPackage.installCommand([package]))
        }
        var documents: [SourcedDocument] = []
        for (name, url) in files {
            let text = try FileReading.bytes(url)
            for (index, chapter) in chapters(text).enumerated() {
                let title = chapter.title.map { " \($0)" } ?? ""
                documents.append(SourcedDocument(
                    Document(name: "metamath/\(name)/\(String(format: "%03d", index))\(title)", text: Array(chapter.text)),
                    files: [url]))
            }
        }
        return documents
    }

    /// Start offsets of banner comments, then the slices between them.
    public static func chapters(_ text: [UInt8]) -> [(title: String?, text: ArraySlice<UInt8>)] {
        var starts: [Int] = []
        text.withUnsafeBufferPointer { t in
            var i = 0
            let n = t.count
            while i + 8 < n {
                // "$(" alone on a line, followed by a banner rule.
                if t[i] == 0x24, t[i + 1] == 0x28, i == 0 || t[i - 1] == 0x0A {
                    var j = i + 2
                    while j < n, t[j] == 0x20 || t[j] == 0x0D { j += 1 }
                    if j < n, t[j] == 0x0A {
                        var k = j + 1
                        while k < n, t[k] == 0x20 { k += 1 }
                        if k + 4 <= n, (t[k] == 0x23 && t[k + 1] == 0x23 && t[k + 2] == 0x23 && t[k + 3] == 0x23)
                            || (t[k] == 0x23 && t[k + 1] == 0x2A && t[k + 2] == 0x23 && t[k + 3] == 0x2A) {
                            starts.append(i)
                        }
                    }
                }
                // Jump to the next line start.
                while i < n, t[i] != 0x0A { i += 1 }
                i += 1
            }
        }
        var pieces: [(String?, ArraySlice<UInt8>)] = []
        let preamble = text[0..<(starts.first ?? text.count)]
        if preamble.contains(where: { $0 > 0x20 }) { pieces.append((nil, preamble)) }
        for (k, start) in starts.enumerated() {
            let end = k + 1 < starts.count ? starts[k + 1] : text.count
            pieces.append((title(of: text[start..<end]), text[start..<end]))
        }
        return pieces
    }

    /// The banner's title: the first line after the rule that is not itself a rule.
    static func title(of chapter: ArraySlice<UInt8>) -> String? {
        let lines = chapter.prefix(2000).split(separator: 0x0A).dropFirst(2)
        for line in lines.prefix(3) {
            let s = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if !s.isEmpty, !s.hasPrefix("#") {
                return String(s.filter { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" }.prefix(60))
            }
        }
        return nil
    }
}
