import Foundation
import Results
import Support
import Testing

/// What a run's content hash and result file say about the code and data behind it, and
/// how its checkpoint is found again (README "Reproducibility").
@Suite struct ContentIdentityTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID().uuidString)")

    func write(_ text: String, _ path: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// The fingerprint of a source tree moves with one byte of any file under Sources/, of
    /// Package.swift, with an added file and with a dependency's revision; docs, tests,
    /// the README, git state and the rendering targets (`Reports`) leave it alone.
    @Test func theFingerprintCoversWhatBuildsTheBinaryAndNothingElse() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("// swift-tools-version:6.0\n", "Package.swift")
        try write("let a = 1\n", "Sources/Model/RoPE.swift")
        try write("let b = 2\n", "Sources/Support/B.swift")
        try write("# readme\n", "README.md")
        try write("docs\n", "docs/page.md")
        try write("test\n", "Tests/T/T.swift")
        try write("ignored\n", "Sources/Model/.hidden")
        try write("let f = 1\n", "Sources/Reports/Figure.swift")
        let deps = ["swift-argument-parser 436bde4bb9489201ca6662f5cf94ec45fa8e244e"]
        func fingerprint(_ dependencies: [String] = deps) throws -> String {
            try CodeFingerprint.of(root: root, files: CodeFingerprint.inputFiles(root: root), dependencies: dependencies)
        }
        #expect(CodeFingerprint.inputFiles(root: root) == ["Package.swift", "Sources/Model/RoPE.swift", "Sources/Support/B.swift"])
        let original = try fingerprint()
        #expect(original.count == 64)

        for (path, text) in [("README.md", "# readme!\n"), ("docs/page.md", "docs!\n"), ("Tests/T/T.swift", "test!\n"),
                             ("Sources/Model/.hidden", "still ignored\n"), ("Sources/Reports/Figure.swift", "let f = 2\n")] {
            try write(text, path)
            #expect(try fingerprint() == original, "\(path) moved the fingerprint")
        }
        #expect(try fingerprint(["swift-argument-parser 0000000000000000000000000000000000000000"]) != original)
        #expect(try fingerprint([]) != original)
        for (path, edited, back) in [("Sources/Model/RoPE.swift", "let a = 2\n", "let a = 1\n"),
                                     ("Package.swift", "// swift-tools-version:6.1\n", "// swift-tools-version:6.0\n")] {
            try write(edited, path)
            #expect(try fingerprint() != original, "\(path) kept the fingerprint")
            try write(back, path)
            #expect(try fingerprint() == original)
        }
        try write("", "Sources/Model/Empty.swift")
        #expect(try fingerprint() != original)
    }

    /// The binary's fingerprint is the one of the tree it was built from (the build-tool
    /// plugin and `CodeFingerprint` agree on the files and the dependency revisions).
    @Test func theBinaryCarriesTheFingerprintOfItsSources() throws {
        let expected = try ReleaseBuild.sourceFingerprint()
        let version = try CLI.run(["--version"])
        #expect(version.status == 0, "\(version.stderr)")
        #expect(version.stdout == "code \(expected)\n")
    }

    /// No target that a run executes reaches a rendering target (`Reports`): editing one
    /// cannot change a number, which is why the fingerprint leaves them out. Only the
    /// `longlora` executable, which draws tables and figures, may depend on them, and the
    /// plugin's copy of the list matches `CodeFingerprint.renderingTargets`.
    @Test func noTargetOfARunDependsOnTheRenderingTargets() throws {
        let root = ReleaseBuild.repository
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let targets = PackageTargets(manifest: manifest)
        #expect(targets.dependencies["Experiments"] != nil, "Package.swift: no target Experiments found")
        for rendering in CodeFingerprint.renderingTargets {
            #expect(targets.dependencies[rendering] != nil, "Package.swift: no rendering target \(rendering)")
        }
        for target in targets.dependencies.keys.sorted() where target != "longlora"
            && !CodeFingerprint.renderingTargets.contains(target) && !targets.tests.contains(target) {
            let reached = targets.closure(of: target).intersection(CodeFingerprint.renderingTargets)
            #expect(reached.isEmpty, "\(target) depends on \(reached.sorted()), which the code fingerprint leaves out")
        }
        let plugin = try String(contentsOf: root.appendingPathComponent("Plugins/CodeFingerprintPlugin/plugin.swift"), encoding: .utf8)
        let list = CodeFingerprint.renderingTargets.map { "\"\($0)\"" }.joined(separator: ", ")
        #expect(plugin.contains("static let renderingTargets = [\(list)]"), "the plugin's renderingTargets differ from Support's")
    }

    /// The test checks the rule on the real manifest; here it must see a violation.
    @Test func theDependencyCheckSeesARunTargetThatReachesReports() {
        let manifest = """
            .target(name: "Results", dependencies: ["Support"]),
            .target(name: "Reports", dependencies: ["Results"]),
            .target(name: "Metrics", dependencies: ["Reports"]),
            .target(name: "Experiments", dependencies: ["Metrics", .product(name: "Yams", package: "Yams")]),
            .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Reports"]),
            """
        let targets = PackageTargets(manifest: manifest)
        #expect(targets.closure(of: "Experiments") == ["Metrics", "Reports", "Results", "Support"])
        #expect(targets.tests == ["ExperimentsTests"])
    }

    static let spec = """
        experiment: identity
        data: {corpus: tiny, tokenizer: byte}
        model: {preset: micro}
        base: {context: 32, steps: 4, batch_tokens: 128, warmup: 1}
        finetune: {context: 64, attention: s2, batch_tokens: 128, warmup: 1, lora: {rank: 4, alpha: 8}}
        evaluate: {datasets: [test], lengths: [64], stride: 32, attention: [full], max_windows: 1}
        grid:
          finetune.steps: [0, 2]

        """

    func tinyCorpus() throws {
        var text = ""
        for i in 0..<1500 { text += "Line \(i % 97) of the tiny corpus: the sky is blue and the sun is bright.\n" }
        try write(text, "tiny.txt")
        let built = try CLI.run(["data", "build", "--corpus", "tiny", "--from", "tiny.txt", "--format", "text",
                                 "--data-dir", "data", "--quiet"], in: root)
        #expect(built.status == 0, "\(built.stderr)")
    }

    /// `run --dry-run`'s hashes, from the repository (a git work tree) and from a folder
    /// outside it: the same binary gives the same hashes wherever it runs.
    @Test func hashesAreTheSameFromAnyDirectory() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try tinyCorpus()
        try write(Self.spec, "identity.yaml")
        let arguments = ["run", root.appendingPathComponent("identity.yaml").path, "--dry-run",
                         "--data-dir", root.appendingPathComponent("data").path]
        let inRepository = try CLI.run(arguments, in: ReleaseBuild.repository)
        let elsewhere = try CLI.run(arguments, in: root)
        #expect(inRepository.status == 0 && elsewhere.status == 0, "\(inRepository.stderr)\(elsewhere.stderr)")
        #expect(inRepository.stdout.contains("hash "))
        let hashes = { (text: String) in text.split(separator: "\n").filter { $0.contains("hash ") } }
        #expect(hashes(inRepository.stdout) == hashes(elsewhere.stdout))
        #expect(hashes(inRepository.stdout).count == 2)
    }

    /// One byte edited in a `--from` input moves the run hashes.
    @Test func anEditedDataInputMovesTheHashes() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try tinyCorpus()
        try write(Self.spec, "identity.yaml")
        let dryRun = ["run", "identity.yaml", "--dry-run"]
        let before = try CLI.run(dryRun, in: root)
        let manifest = try String(contentsOf: root.appendingPathComponent("data/tiny/manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"tiny.txt\" : \""), "\(manifest)")
        var text = try String(contentsOf: root.appendingPathComponent("tiny.txt"), encoding: .utf8)
        text = text.replacingOccurrences(of: "Line 0 of", with: "Line 0 if")
        try write(text, "tiny.txt")
        _ = try CLI.run(["data", "build", "--corpus", "tiny", "--from", "tiny.txt", "--format", "text",
                         "--data-dir", "data", "--quiet"], in: root)
        let after = try CLI.run(dryRun, in: root)
        #expect(before.status == 0 && after.status == 0)
        #expect(before.stdout != after.stdout)
    }

    /// `--set` adds runs beside the others (no archive, nothing stale); `status` lists the
    /// checkpoints; `eval RESULTS.h5#RUN_ID` evaluates a run's model as the run did, with
    /// the run's position interpolation even where the model is the base (steps 0).
    @Test func runsSitBesideEachOtherAndTheirCheckpointsAreAddressable() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try tinyCorpus()
        try write(Self.spec, "identity.yaml")
        let run = ["run", "identity.yaml", "--threads", "1", "--no-plots", "--quiet"]
        let first = try CLI.run(run, in: root)
        #expect(first.status == 0, "\(first.stderr)")
        let second = try CLI.run(run + ["--set", "finetune.lora.rank=2"], in: root)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(!second.stderr.contains("archive") && !second.stderr.contains("another code"), "\(second.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("results/archive").path))
        let url = root.appendingPathComponent("results/identity.h5")
        let file = try ResultFile.read(url)
        #expect(file.runs.map(\.id) == ["steps=0,seed=0", "steps=2,seed=0", "steps=0,rank=2,seed=0", "steps=2,rank=2,seed=0"])
        // Rows by label (`no fine-tuning`, `2 steps`), the `--set` runs beside them by rank.
        #expect(second.stdout.contains("| label | rank |") && second.stdout.contains("| no fine-tuning | 2 |"), "\(second.stdout)")

        let status = try CLI.run(["status", "results/identity.h5"], in: root)
        #expect(status.stdout.contains("4 runs: 4 complete, 0 failed, 0 running, 0 stale"), "\(status.stdout)")
        for run in file.runs {
            #expect(status.stdout.split(separator: "\n").contains { $0.hasPrefix("  \(run.id) ") && $0.hasSuffix(run.checkpoint) },
                    "\(status.stdout)")
        }

        for run in file.runs.prefix(2) {
            let out = try CLI.run(["eval", "results/identity.h5#\(run.id)", "--data", "tiny:test", "--length", "64",
                                   "--stride", "32", "--max-windows", "1", "--threads", "1", "--quiet"], in: root)
            #expect(out.status == 0, "\(out.stderr)")
            let fields = try #require(out.stdout.split(separator: "\n").last).split(separator: ",")
            guard case .double(let recorded)? = run.eval["tiny-test"]?["loss"] else {
                Issue.record("\(run.id) has no loss"); continue
            }
            #expect(abs(Double(fields[7])! - recorded[0]) < 2e-6, "\(run.id): \(out.stdout) vs \(recorded)")
            let trained = try CLI.run(["eval", "results/identity.h5#\(run.id)", "--data", "tiny:test", "--length", "64",
                                       "--attention", "train", "--max-windows", "1", "--quiet"], in: root)
            #expect(trained.status == 0 && trained.stdout.contains(",s2"), "\(trained.stdout)\(trained.stderr)")
        }
        let missing = try CLI.run(["eval", "results/identity.h5#steps=3,seed=0", "--data", "tiny:test", "--length", "64"], in: root)
        #expect(missing.status == 2 && missing.stderr.contains("no run 'steps=3,seed=0'"), "\(missing.stderr)")
        // export-hf of a fine-tuned run finds the byte tokenizer (259 ids) and the base it records.
        let export = try CLI.run(["export-hf", "results/identity.h5#steps=2,seed=0", "hf", "--quiet"], in: root)
        #expect(export.status == 0, "\(export.stderr)")
        let adapter = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("hf/adapter/adapter_config.json"))) as? [String: Any]
        #expect((adapter?["base_model_name_or_path"] as? String)?.hasSuffix("/hf/base") == true, "\(adapter ?? [:])")
        #expect(adapter?["modules_to_save"] as? [String] == ["embed_tokens", "input_layernorm", "post_attention_layernorm", "norm"])
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("hf/base/tokenizer.json").path))
    }
}

/// The targets of a Package.swift and their target dependencies (products are left out),
/// read with a pattern: enough for the manifest's one-target-per-call style.
struct PackageTargets {
    var dependencies: [String: [String]] = [:]
    var tests: Set<String> = []

    init(manifest: String) {
        let target = #/\.(target|executableTarget|testTarget)\(name:\s*"([^"]+)"(?:,\s*dependencies:\s*\[([^\]]*)\])?/#
        for match in manifest.matches(of: target) {
            let name = String(match.output.2)
            let list = match.output.3.map(String.init) ?? ""
            // Plain names only: `.product(name: ..., package: ...)` is another package's.
            let withoutProducts = list.replacing(#/\.product\([^)]*\)/#, with: "")
            dependencies[name] = withoutProducts.matches(of: #/"([^"]+)"/#).map { String($0.output.1) }
            if match.output.1 == "testTarget" { tests.insert(name) }
        }
    }

    /// Every target `name` depends on, directly or not.
    func closure(of name: String) -> Set<String> {
        var seen = Set<String>()
        var stack = dependencies[name] ?? []
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            stack += dependencies[next] ?? []
        }
        return seen
    }
}
