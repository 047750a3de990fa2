import ArgumentParser
import Foundation
import Testing
@testable import longlora

/// Every `longlora` command line the README shows (its code blocks and `longlora ...` code
/// spans, the Commands table included) parses with the real ArgumentParser definitions,
/// so a renamed option or a removed value fails here instead of in a reader's shell.
/// Optional parts `[--x A|B]` are tried one at a time, each alternative of `A|B` on its own;
/// capitalised placeholders (`N`, `NAME`) stand for a value.
@Suite struct ReadmeCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The command texts of the README, without the program name.
    static func commands() throws -> [String] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        var found: [String] = []
        var inBlock = false
        var pending = ""
        for line in readme.components(separatedBy: "\n") {
            if line.hasPrefix("```") { inBlock.toggle(); continue }
            if inBlock {
                pending += line.hasSuffix("\\") ? String(line.dropLast()) : line
                if line.hasSuffix("\\") { continue }
                // A shell comment ends the command (` # print the scripts`).
                let command = pending.range(of: " #").map { String(pending[..<$0.lowerBound]) } ?? pending
                for part in command.components(separatedBy: "&&") {
                    let words = part.split(separator: " ").map(String.init)
                    if let first = words.first, first == "longlora" || first.hasSuffix("/longlora") {
                        found.append(words.dropFirst().joined(separator: " "))
                    }
                }
                pending = ""
            } else {
                // Code spans: `longlora ...`, with the table's escaped `\|`.
                var rest = Substring(line)
                while let open = rest.firstIndex(of: "`") {
                    let after = rest[rest.index(after: open)...]
                    guard let close = after.firstIndex(of: "`") else { break }
                    let span = after[..<close].replacingOccurrences(of: "\\|", with: "|")
                    // A command line (an option, or a row of the Commands table), not a
                    // subcommand named in prose (`longlora eval MODEL takes ...`).
                    let isCommand = span.contains("--") || line.hasPrefix("| `longlora")
                    // `]...` (repeatable) and `[,N...]` (a list) are syntax; any other `...` elides.
                    let elided = span.replacingOccurrences(of: "]...", with: "]").replacingOccurrences(of: "[,N...]", with: "").contains("...")
                    if span.hasPrefix("longlora "), isCommand, !elided {
                        found.append(String(span.dropFirst("longlora ".count)))
                    }
                    rest = after[after.index(after: close)...]
                }
            }
        }
        return found
    }

    /// One command text as argument lists: the required words alone, then with each optional
    /// group and each alternative.
    static func expansions(_ text: String) -> [[String]] {
        var required: [String] = []
        var optional: [[String]] = []
        var group: [String]? = nil
        for var word in text.replacingOccurrences(of: "]...", with: "]").split(separator: " ").map(String.init) {
            if word.hasPrefix("[") && !word.hasPrefix("[,") { group = []; word.removeFirst() }
            let closes = word.hasSuffix("]") && !word.hasSuffix("...]")
            if closes { word.removeLast() }
            word = word.replacingOccurrences(of: "[,N...]", with: "")
            if group != nil { group!.append(word) } else { required.append(word) }
            if closes, let g = group { optional.append(g); group = nil }
        }
        func value(_ word: String) -> [String] {
            // `md|csv|latex`: each alternative; `N`, `NAME`: a value.
            word.split(separator: "|").map { alternative in
                let a = String(alternative)
                return a.allSatisfy({ $0.isUppercase || $0 == "_" }) ? "1" : a
            }
        }
        func expand(_ words: [String]) -> [[String]] {
            words.reduce([[]]) { partial, word in partial.flatMap { prefix in value(word).map { prefix + [$0] } } }
        }
        return expand(required) + optional.flatMap { expand(required + $0) }
    }

    @Test func everyCommandTheReadmeShowsParses() throws {
        let commands = try Self.commands()
        #expect(commands.count >= 15, "found \(commands)")
        #expect(commands.contains { $0.hasPrefix("table RESULTS.h5") } && commands.contains { $0.hasPrefix("run SPEC.yaml") })
        for command in commands {
            for arguments in Self.expansions(command) {
                // `--version` and `--help` end parsing with success.
                do { _ = try LongLoRA.parseAsRoot(arguments) } catch {
                    guard LongLoRA.exitCode(for: error) != .success else { continue }
                    Issue.record("README: `longlora \(arguments.joined(separator: " "))` does not parse: \(LongLoRA.message(for: error))")
                }
            }
        }
    }

    @Test func aRemovedOptionWouldFail() {
        #expect(throws: (any Error).self) { try LongLoRA.parseAsRoot(["table", "x.h5", "--format", "parquet"]) }
        #expect(Self.expansions("table RESULTS.h5 [--format md|csv|latex] [--all]") == [
            ["table", "RESULTS.h5"], ["table", "RESULTS.h5", "--format", "md"], ["table", "RESULTS.h5", "--format", "csv"],
            ["table", "RESULTS.h5", "--format", "latex"], ["table", "RESULTS.h5", "--all"]])
    }
}
