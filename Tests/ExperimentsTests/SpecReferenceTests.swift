import Foundation
import Testing
import Experiments

@Suite struct SpecReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func committedReferenceMatchesTheSchema() throws {
        let url = Self.root.appendingPathComponent("docs/spec-reference.md")
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(committed == SpecReference.markdown(), "regenerate: longlora run --spec-reference > docs/spec-reference.md")
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
