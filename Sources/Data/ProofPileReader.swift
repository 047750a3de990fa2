import Foundation
import Support

/// Reads proof-pile JSON lines: folders `train/`, `dev/` (or `validation/`), `test/` of
/// `*.jsonl` or `*.jsonl.gz` files, one object per line with a string field `text` and
/// an optional object `meta`. Malformed lines and broken gzip streams name file:line.
public struct ProofPileReader {
    public var root: URL

    public init(root: URL) { self.root = root }

    static func isJSONLines(_ name: String) -> Bool {
        [".jsonl", ".jsonl.gz", ".json", ".json.gz"].contains { name.hasSuffix($0) }
    }

    /// Reads every split folder; each of `required` must exist (a folder without `dev/`
    /// would otherwise build a corpus with an empty validation split, silently).
    public func read(limitBytesPerSplit: Int? = nil, required: [Split] = Split.allCases) throws -> SplitDocuments {
        var result = SplitDocuments()
        var found = false
        var present: Set<Split> = []
        for (folderName, split) in [("train", Split.train), ("dev", .validation), ("validation", .validation), ("test", .test)] {
            let folder = root.appendingPathComponent(folderName)
            guard FileReading.isDirectory(folder) else { continue }
            found = true
            present.insert(split)
            for (name, url) in try FileReading.files(in: folder, where: Self.isJSONLines) {
                let budget = limitBytesPerSplit.map { $0 - result[split].reduce(0) { $0 + $1.text.count } }
                if let budget, budget <= 0 { break }
                result[split] += try Self.documents(in: url, namePrefix: "\(folderName)/\(name)", limitBytes: budget)
            }
        }
        guard found else {
            throw UserError("\(root.path): not a proof-pile folder: expected subfolders train/, dev/, test/ of *.jsonl or *.jsonl.gz files")
        }
        if let missing = required.first(where: { !present.contains($0) }) {
            let folder = missing == .validation ? "dev/ (or validation/)" : "\(missing.rawValue)/"
            throw UserError("\(root.path): proof-pile folder has no \(folder) for the \(missing.rawValue) split: expected subfolders train/, dev/, test/ of *.jsonl or *.jsonl.gz files")
        }
        return result
    }

    /// The documents of one JSON-lines file (gzip-compressed if its name ends in `.gz`).
    public static func documents(in url: URL, namePrefix: String? = nil, limitBytes: Int? = nil) throws -> [Document] {
        var bytes = try FileReading.bytes(url)
        if url.pathExtension == "gz" { bytes = try Gzip.decompress(bytes, name: url.path) }
        var documents: [Document] = []
        var total = 0
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            let line = bytes[start..<end]
            start = end + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let text = try parse(line, file: url.path, line: lineNumber)
            documents.append(Document(name: "\(namePrefix ?? url.lastPathComponent):\(lineNumber)", text: text))
            total += text.count
            if let limitBytes, total >= limitBytes { break }
        }
        return documents
    }

    static func parse(_ line: ArraySlice<UInt8>, file: String, line number: Int) throws -> [UInt8] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Foundation.Data(line), options: [])
        } catch {
            throw UserError("\(file):\(number): malformed JSON line (expected one object with a \"text\" string per line)")
        }
        guard let dict = object as? [String: Any] else {
            throw UserError("\(file):\(number): expected a JSON object, got \(type(of: object))")
        }
        guard let text = dict["text"] as? String else {
            throw UserError("\(file):\(number): missing string field \"text\"")
        }
        if let meta = dict["meta"], !(meta is [String: Any]), !(meta is NSNull) {
            throw UserError("\(file):\(number): field \"meta\" must be an object")
        }
        return Array(text.utf8)
    }
}
