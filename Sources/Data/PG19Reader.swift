import Foundation
import Support

/// Reads the raw PG19 layout: `train/`, `validation/`, `test/` folders of `<book id>.txt`,
/// plus an optional `metadata.csv` (`id,title,publication year,url`). The corpus keeps
/// its own split folders; a missing folder is an empty split, but at least one must exist.
public struct PG19Reader {
    public var root: URL

    public init(root: URL) { self.root = root }

    public func read(limitBytesPerSplit: Int? = nil) throws -> SplitDocuments {
        var result = SplitDocuments()
        var found = false
        for split in Split.allCases {
            let folder = root.appendingPathComponent(split.rawValue)
            guard FileReading.isDirectory(folder) else { continue }
            found = true
            var bytes = 0
            for (name, url) in try FileReading.files(in: folder, where: { $0.hasSuffix(".txt") }) {
                if let limit = limitBytesPerSplit, bytes >= limit { break }
                let text = try FileReading.bytes(url)
                bytes += text.count
                result[split].append(Document(name: "\(split.rawValue)/\(name)", text: text))
            }
        }
        guard found else {
            throw UserError("\(root.path): not a PG19 folder: expected subfolders train/, validation/, test/ of <id>.txt files")
        }
        return result
    }

    /// Book titles by id from `metadata.csv`, if present. Malformed rows name file and line.
    public func titles() throws -> [String: String] {
        let url = root.appendingPathComponent("metadata.csv")
        guard FileReading.exists(url) else { return [:] }
        let text = String(decoding: try FileReading.bytes(url), as: UTF8.self)
        var titles: [String: String] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let row = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if row.isEmpty { continue }
            let fields = try CSV.fields(of: row, file: url.path, line: index + 1)
            guard fields.count >= 2 else {
                throw UserError("\(url.path):\(index + 1): expected at least 2 comma-separated fields (id,title,...), got \(fields.count)")
            }
            if index == 0 && Int(fields[0]) == nil && fields[0].lowercased().contains("id") { continue }  // header
            titles[fields[0]] = fields[1]
        }
        return titles
    }
}

/// Minimal RFC 4180 field splitting for one CSV line (quoted fields, doubled quotes).
enum CSV {
    static func fields(of line: String, file: String, line number: Int) throws -> [String] {
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { inQuotes = false }
                } else { field.append(c) }
            } else if c == "\"" {
                inQuotes = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
        }
        if inQuotes { throw UserError("\(file):\(number): unterminated quoted field") }
        fields.append(field)
        return fields
    }
}
