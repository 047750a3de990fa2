import Support

/// Which tensors are trained, chosen by name (the paper's Table 2 axis):
/// `lora` (adapters), `embed` (token embedding), `norm` (every RMSNorm weight),
/// `head` (lm_head), `all` (full fine-tuning of every base weight).
/// LongLoRA's LoRA+ is `lora,embed,norm`.
public struct TrainableParts: OptionSet, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let lora = TrainableParts(rawValue: 1)
    public static let embed = TrainableParts(rawValue: 2)
    public static let norm = TrainableParts(rawValue: 4)
    public static let head = TrainableParts(rawValue: 8)
    public static let all = TrainableParts(rawValue: 16)

    public static let longLoRA: TrainableParts = [.lora, .embed, .norm]

    /// Every part by name, in this order (a spec's `finetune.trainable` choices).
    public static let named: [(String, TrainableParts)] =
        [("lora", .lora), ("embed", .embed), ("norm", .norm), ("head", .head), ("all", .all)]

    /// Parses a comma- or plus-separated list such as `lora,embed,norm` or `lora+norm`.
    public init(parsing text: String) throws {
        var parts: TrainableParts = []
        let words = text.split(whereSeparator: { $0 == "," || $0 == "+" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for word in words {
            guard let part = Self.named.first(where: { $0.0 == word })?.1 else {
                throw UserError("trainable part '\(word)' is unknown; expected any of: "
                    + Self.named.map(\.0).joined(separator: ", "))
            }
            parts.insert(part)
        }
        if parts.isEmpty { throw UserError("trainable parts '\(text)' name nothing to train") }
        self = parts
    }

    public var description: String {
        Self.named.filter { contains($0.1) }.map(\.0).joined(separator: ",")
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        self = try TrainableParts(parsing: try c.decode(String.self))
    }
}

import Foundation
