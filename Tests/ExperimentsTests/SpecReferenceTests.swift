import Foundation
import Testing
import Experiments
import Results

@Suite struct SpecReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func committedReferenceMatchesTheSchema() throws {
        let url = Self.root.appendingPathComponent("docs/spec-reference.md")
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(committed == SpecReference.markdown(), "regenerate: longlora run --spec-reference > docs/spec-reference.md")
    }

    @Test func resultSchemaListsEveryMetricTheRunnerWrites() throws {
        let page = try String(contentsOf: Self.root.appendingPathComponent("docs/results-schema.md"), encoding: .utf8)
        #expect(page.contains("<!-- metric-schema -->\n" + MetricSchema.markdown() + "<!-- /metric-schema -->"),
                "docs/results-schema.md: the metric table must be MetricSchema.markdown()")
    }

    /// Allowed values are listed once each (`evaluate.attention` once listed `full` twice).
    @Test func noChoiceIsListedTwice() {
        func choices(_ kind: ValueKind) -> [[String]] {
            switch kind {
            case .choice(let options): return [options]
            case .list(let element, _, _): return choices(element)
            case .map(let key, let value): return choices(key) + choices(value)
            case .either(let kinds): return kinds.flatMap(choices)
            default: return []
            }
        }
        for key in SpecSchema.keys {
            for options in choices(key.kind) {
                #expect(Set(options).count == options.count, "\(key.path): \(options)")
            }
        }
    }

    /// One length scale in the code, the reference page and the README.
    @Test func theLengthScaleIsStatedOnce() throws {
        let factor = SpecSchema.paperLengthFactor
        let page = SpecReference.markdown()
        #expect(page.contains("the paper's \(512 * factor) is our 512") && page.contains("1024 stands for \(1024 * factor)"))
        #expect(!page.contains("8x ours"))
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("the paper's lengths are \(factor)x ours"))
        let runs = try Sweep.expand(try SpecParser.parse("experiment: t\nfinetune: {context: 512}\n", file: "t.yaml"))
        #expect(runs[0].config.analytic.context == 512 * factor)
    }

    @Test func everyKeyIsDocumented() {
        let page = SpecReference.markdown()
        for key in SpecSchema.keys { #expect(page.contains("| `\(key.path)` |"), "\(key.path) missing") }
        for section in SpecSchema.sections { #expect(page.contains("## `\(section.path)`")) }
    }

    @Test func everyCommittedSpecParsesAndExpands() throws {
        let dir = Self.root.appendingPathComponent("experiments")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
        #expect(files.contains("quickstart.yaml"))
        for file in files {
            let spec = try SpecParser.load(dir.appendingPathComponent(file))
            #expect(spec.experiment + ".yaml" == file, "experiment name should match the file name")
            #expect(!(try Sweep.expand(spec)).isEmpty)
        }
    }

    @Test func quickstartComparesFullAttentionWithS2() throws {
        let spec = try SpecParser.load(Self.root.appendingPathComponent("experiments/quickstart.yaml"))
        let runs = try Sweep.expand(spec)
        // The base with position interpolation only, then full attention and S2-Attn.
        #expect(runs.map(\.id) == ["base-pi,seed=0", "full,seed=0", "s2,seed=0"])
        #expect(runs.map(\.config.finetune.training.steps) == [0, 200, 200])
        #expect(runs[1].config.finetune.attention.rawValue == "full" && runs[2].config.finetune.attention.rawValue == "s2")
        #expect(runs[2].config.finetune.positionInterpolation == 4)
        #expect(runs[2].config.evaluate.lengths == [128, 256, 512])
    }
}
