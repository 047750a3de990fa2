import Foundation
import Model
import Testing

/// Walks the attention registry: every entry must have a reference definition (which the
/// mask, forward and backward tests of `AttentionPatternTests` then check it against), an
/// analytic cost that describes its mask, and its row in the README's pattern table.
@Suite struct AttentionRegistryTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")

    @Test func namesAreUniqueAndParse() {
        let names = AttentionKind.names
        #expect(Set(names).count == names.count)
        for name in names { #expect(AttentionKind(rawValue: name)?.rawValue == name) }
    }

    @Test(arguments: AttentionKind.allCases)
    func hasAReferenceMaskDefinition(kind: AttentionKind) {
        #expect(AttentionReference.definitions[kind.rawValue] != nil,
                "'\(kind)' has no definition in Tests/ModelTests/AttentionReference.swift, so no mask test")
    }

    @Test func everyReferenceDefinitionIsRegistered() {
        for name in AttentionReference.definitions.keys { #expect(AttentionKind(rawValue: name) != nil, "\(name)") }
    }

    /// The analytic cost (keys per query, causal counting) is within 30% of the pairs the
    /// mask really scores, averaged over heads and both layer kinds. The paper's convention
    /// ignores group edges (s2: -6%) and block-sparse's extra blocks (+24%); a wrong cost
    /// (`allKeys` for a grouped pattern, or a grouped cost for `full`) is off by 4x here.
    @Test(arguments: AttentionKind.allCases)
    func costDescribesTheMask(kind: AttentionKind) throws {
        let n = 64, g = 16, heads = 4
        let pattern = try kind.pattern(groupSize: .tokens(g), length: n)
        var exact = 0.0
        for layer in 0..<2 {
            let geometry = AttentionGeometry(n: n, nHeads: heads, headDim: 4, layer: layer, nLayers: 2)
            exact += Double(pattern.scoredPairs(geometry: geometry)) / Double(2 * heads)
        }
        let keys = kind.cost.keysPerQuery(context: Double(n), group: Double(g))
        let analytic = Double(n) * (keys + 1) / 2
        #expect(abs(analytic - exact) <= 0.3 * exact, "\(kind): analytic \(analytic) pairs per head, mask \(exact)")
    }

    /// The README's "Attention patterns" table is the registry's: one row per entry, in
    /// registry order, with the entry's definition.
    @Test func readmeTableIsTheRegistry() throws {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        guard let start = text.range(of: "## Attention patterns\n") else {
            Issue.record("README.md has no '## Attention patterns' section")
            return
        }
        let section = text[start.upperBound...].prefix { _ in true }
        let lines = section.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("| name |") }
        let rows = lines.dropFirst(2).prefix { $0.hasPrefix("|") }.map(String.init)
        let expected = AttentionRegistry.entries.map { "| `\($0.name)` | \($0.definition) |" }
        #expect(rows == expected, "README.md's pattern table differs from the registry; expected:\n\(expected.joined(separator: "\n"))")
    }
}
