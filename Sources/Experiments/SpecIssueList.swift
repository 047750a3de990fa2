import Support

/// Every problem of a spec, so that one attempt shows them all instead of the first.
///
/// Parsing and sweep expansion go on past a problem where the rest can still be
/// checked (the next key, the next variant, the next run) and collect each `SpecIssue`;
/// one problem reads exactly as a single `SpecIssue` does.
public struct SpecIssueList: Error, Sendable {
    public var issues: [SpecIssue] = []

    /// Runs `body`, keeping its spec problems and passing any other error on.
    mutating func collect(_ body: () throws -> Void) rethrows {
        do { try body() } catch let issue as SpecIssue {
            append(issue)
        } catch let list as SpecIssueList {
            for issue in list.issues { append(issue) }
        }
    }

    /// A problem once, even when several runs of a sweep share it.
    mutating func append(_ issue: SpecIssue) {
        var general = issue
        general.run = nil
        if !issues.contains(where: { var known = $0; known.run = nil; return known == general }) { issues.append(issue) }
    }

    /// Throws the problems found, if any: a single one as itself.
    func throwIfAny() throws {
        if issues.count == 1 { throw issues[0] }
        if issues.count > 1 { throw self }
    }

    /// At most this many problems are listed; the rest are counted.
    static let shown = 20

    /// `t.yaml: 3 problems:` then one line per problem, each as a single problem reads.
    public func userError(file: String) -> UserError {
        var lines = ["\(file): \(issues.count) problems:"]
        lines += issues.prefix(Self.shown).map { "  " + $0.userError(file: file).message }
        if issues.count > Self.shown { lines.append("  ... and \(issues.count - Self.shown) more") }
        return UserError(lines.joined(separator: "\n"))
    }
}
