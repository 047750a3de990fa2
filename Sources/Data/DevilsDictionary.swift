import Foundation
import Support

/// Ambrose Bierce's The Devil's Dictionary from dict-devil: a dictd database, i.e. a
/// dictzip (gzip-compatible) text plus an index of (headword, offset, length).
/// Split into one document per initial letter (26), plus the preface.
enum DevilsDictionary {
    static let package = "dict-devil"

    static func documents(in environment: DebianEnvironment, corpus: String,
                          sources: inout CorpusSources) throws -> [SourcedDocument] {
        let dict = try environment.require("/usr/share/dictd/devil.dict.dz", package: package)
        let index = try environment.require("/usr/share/dictd/devil.index", package: package)
        sources.packages[package] = try DebianPackage.version(package, corpus: corpus, in: environment)
        let text = try Gzip.decompress(try FileReading.bytes(dict), name: dict.path)
        let entries = try parseIndex(String(decoding: try FileReading.bytes(index), as: UTF8.self),
                                     file: index.path, textLength: text.count)
        var byLetter: [String: [UInt8]] = [:]
        for entry in entries {
            // dictd's own "00-database-*" entries: keep the long description as the preface.
            let key: String
            if entry.headword.hasPrefix("00database") {
                guard entry.headword == "00databaseinfo" else { continue }
                key = "preface"
            } else {
                guard let first = entry.headword.lowercased().first, first.isLetter else { continue }
                key = String(first)
            }
            byLetter[key, default: []] += text[entry.range]
            byLetter[key]!.append(0x0A)
        }
        return byLetter.keys.sorted().map {
            SourcedDocument(Document(name: "devil/\($0)", text: byLetter[$0]!), files: [dict, index])
        }
    }

    struct Entry { var headword: String; var range: Range<Int> }

    /// Index lines are `headword<TAB>offset<TAB>length`, numbers in dictd's base64 digits.
    static func parseIndex(_ text: String, file: String, textLength: Int) throws -> [Entry] {
        var entries: [Entry] = []
        for (i, line) in text.split(separator: "\n").enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 3, let offset = base64Number(fields[1]), let length = base64Number(fields[2]),
                  offset + length <= textLength else {
                throw UserError("\(file):\(i + 1): expected 'headword<TAB>offset<TAB>length' within the dictionary text")
            }
            entries.append(Entry(headword: String(fields[0]), range: offset..<(offset + length)))
        }
        return entries
    }

    static func base64Number(_ digits: Substring) -> Int? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var value = 0
        for c in digits {
            guard let d = alphabet.firstIndex(of: c) else { return nil }
            value = value * 64 + d
        }
        return digits.isEmpty ? nil : value
    }
}
