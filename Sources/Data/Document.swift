/// One document of a corpus: a book, a chapter of a Metamath database, a source file.
/// Splits are made per document, never inside one, so no text leaks between splits.
public struct Document: Sendable, Equatable {
    /// Unique within the corpus (e.g. `kjv/Genesis`, `pg19/train/10.txt`); splits sort by it.
    public var name: String
    /// Raw bytes (UTF-8 for every built-in source; byte-level tokenizers accept anything).
    public var text: [UInt8]

    public init(name: String, text: [UInt8]) {
        self.name = name
        self.text = text
    }

    public init(name: String, text: String) {
        self.init(name: name, text: Array(text.utf8))
    }
}

/// The three splits of the paper's corpora (PG19 calls them train/validation/test,
/// proof-pile calls validation `dev`).
public enum Split: String, CaseIterable, Codable, Sendable {
    case train, validation, test

    /// Accepts the proof-pile spelling `dev` and the short `val`.
    public init?(name: String) {
        switch name.lowercased() {
        case "train": self = .train
        case "validation", "valid", "val", "dev": self = .validation
        case "test": self = .test
        default: return nil
        }
    }
}

/// Documents grouped by split, as read from a corpus or produced by `DocumentSplitter`.
public struct SplitDocuments: Sendable {
    public var train: [Document] = []
    public var validation: [Document] = []
    public var test: [Document] = []

    public init(train: [Document] = [], validation: [Document] = [], test: [Document] = []) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    public subscript(split: Split) -> [Document] {
        get {
            switch split {
            case .train: train
            case .validation: validation
            case .test: test
            }
        }
        set {
            switch split {
            case .train: train = newValue
            case .validation: validation = newValue
            case .test: test = newValue
            }
        }
    }

    public var all: [Document] { train + validation + test }
}
