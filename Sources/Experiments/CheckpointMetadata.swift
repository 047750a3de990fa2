import Foundation
import Model
import Support

/// `checkpoints/<fine-tune hash>/checkpoint.json`: what a run's checkpoint directory holds
/// and how it was trained, so that it can be evaluated again without guessing: the model
/// directory (the final `step-NNNNNN/`, or the base model for a run without fine-tuning),
/// the attention pattern and group size it was trained with, the position-interpolation
/// factor and RoPE scaling, and the trainable parts.
public struct CheckpointMetadata: Codable, Equatable, Sendable {
    public var formatVersion = 1
    /// The model to load, relative to the checkpoint directory (`step-000200`, or
    /// `../../cache/base-<hash>` when the run did not fine-tune).
    public var model: String
    /// The base model it was fine-tuned from, relative to the checkpoint directory.
    public var base: String
    /// The training attention pattern (`full`, `s2`, ...) and its group size at `context`.
    public var attention: String
    public var group: GroupSize
    public var groupTokens: Int
    public var context: Int
    public var steps: Int
    /// The RoPE the model is evaluated with: `linear` (position interpolation) or `ntk`,
    /// by `positionInterpolation` (1 = none).
    public var positionInterpolation: Double
    public var ropeScaling: String
    /// `lora`, `embed`, `norm`, `head`, or `all` (full fine-tuning).
    public var trainable: [String]
    public var loraRank: Int?
    public var loraAlpha: Double?

    public static let fileName = "checkpoint.json"

    /// The metadata of a run with `config` whose model is `model` and base `base`, both
    /// to be written relative to `directory`.
    public init(_ config: RunConfig, model: URL, base: URL, directory: URL) throws {
        let recipe = config.finetune
        self.model = Self.relative(model, to: directory)
        self.base = Self.relative(base, to: directory)
        attention = recipe.attention.rawValue
        group = recipe.group
        groupTokens = (try? recipe.group.resolve(sequenceLength: recipe.context)) ?? 0
        context = recipe.context
        steps = recipe.training.steps
        positionInterpolation = recipe.positionInterpolation
        ropeScaling = recipe.ropeScaling.rawValue
        trainable = TrainableParts.named.filter { recipe.trainable.contains($0.1) }.map(\.0)
        let lora = recipe.trainable.contains(.lora)
        loraRank = lora ? recipe.lora.rank : nil
        loraAlpha = lora ? recipe.lora.alpha : nil
    }

    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self) + Data("\n".utf8), to: directory.appendingPathComponent(Self.fileName))
    }

    /// The metadata of `directory`, or nil if it has none (a plain model directory).
    public static func read(from directory: URL) throws -> CheckpointMetadata? {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do { return try decoder.decode(CheckpointMetadata.self, from: data) } catch {
            throw UserError("\(url.path): not checkpoint metadata (\(error.localizedDescription))")
        }
    }

    /// The model directory of a checkpoint directory with this metadata.
    public func modelURL(in directory: URL) -> URL {
        directory.appendingPathComponent(model).standardizedFileURL
    }

    /// The base model of a checkpoint directory with this metadata.
    public func baseURL(in directory: URL) -> URL {
        directory.appendingPathComponent(base).standardizedFileURL
    }

    /// `target` relative to `directory` (`../` for each of `directory`'s own components
    /// beyond the common prefix), so the pair can move together with the results folder.
    static func relative(_ target: URL, to directory: URL) -> String {
        let a = directory.standardizedFileURL.pathComponents, b = target.standardizedFileURL.pathComponents
        var common = 0
        while common < min(a.count, b.count), a[common] == b[common] { common += 1 }
        let parts = Array(repeating: "..", count: a.count - common) + b[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
