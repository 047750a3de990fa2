import Support

/// A problem with a spec, found before any work starts: where, which key, what.
///
/// `line` is 1-based in the spec file; nil when the problem has no line (a default
/// that clashes with another key). `where` replaces the file position for values that
/// came from the command line (`--set finetune.group=0.3`).
public struct SpecIssue: Error, Equatable, Sendable {
    public var line: Int?
    public var key: String
    public var message: String
    /// The command-line argument that supplied the value, if it did not come from the file.
    public var argument: String?
    /// The run, for problems that only one combination of a sweep has.
    public var run: String?

    public init(line: Int?, key: String, message: String, argument: String? = nil, run: String? = nil) {
        self.line = line
        self.key = key
        self.message = message
        self.argument = argument
        self.run = run
    }

    /// `spec.yaml:12: key 'finetune.grup' is unknown (did you mean 'group'?)` as a `UserError`.
    public func userError(file: String) -> UserError {
        var place: String
        if let argument {
            place = "--set \(argument)"
        } else if let line {
            place = "\(file):\(line)"
        } else {
            place = file
        }
        let runPart = run.map { " (run \($0))" } ?? ""
        let keyPart = key.isEmpty ? "" : " key '\(key)'\(runPart):"
        let body = key.isEmpty ? "\(runPart) \(message)" : " \(message)"
        return UserError("\(place):\(keyPart)\(body)")
    }
}

/// Where a value of a resolved spec came from, so a later check can point at it.
public enum Origin: Hashable, Sendable {
    case defaulted
    case file(line: Int?)
    case commandLine(String)

    func issue(key: String, _ message: String, run: String? = nil) -> SpecIssue {
        switch self {
        case .defaulted: SpecIssue(line: nil, key: key, message: message + " (default value)", run: run)
        case .file(let line): SpecIssue(line: line, key: key, message: message, run: run)
        case .commandLine(let argument): SpecIssue(line: nil, key: key, message: message, argument: argument, run: run)
        }
    }
}

/// A value with the place it came from.
public struct Located: Hashable, Sendable {
    public var value: SpecValue
    public var origin: Origin
    public init(_ value: SpecValue, _ origin: Origin) {
        self.value = value
        self.origin = origin
    }
}
