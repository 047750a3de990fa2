import Kernels
import Support

/// Deterministic, seeded, document-level train/validation/test split.
///
/// Documents are sorted by name (so input order does not matter), shuffled with
/// SplitMix64 forked from `seed`, then cut: `validationFraction` and `testFraction`
/// of the documents (rounded, at least one each when there are 3 or more documents)
/// go to validation and test, the rest to train. Defaults 0.1 / 0.1, i.e. 80/10/10.
public struct DocumentSplitter: Sendable {
    public var seed: UInt64
    public var validationFraction: Double
    public var testFraction: Double

    public static let defaultRatios = (train: 0.8, validation: 0.1, test: 0.1)

    public init(seed: UInt64, validationFraction: Double = 0.1, testFraction: Double = 0.1) {
        self.seed = seed
        self.validationFraction = validationFraction
        self.testFraction = testFraction
    }

    public func split(_ documents: [Document]) throws -> SplitDocuments {
        let names = documents.map(\.name)
        if Set(names).count != names.count {
            let dup = Dictionary(grouping: names, by: { $0 }).first { $0.value.count > 1 }!.key
            throw UserError("two documents share the name '\(dup)'; document names must be unique")
        }
        var order = documents.sorted { $0.name < $1.name }
        var rng = SplitMix64(seed: seed).fork("document split")
        // Fisher-Yates with our own generator: Swift's shuffle(using:) algorithm is not
        // guaranteed stable across versions.
        if order.count > 1 {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                let j = Int(rng.next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        let n = order.count
        var nValidation = Int((Double(n) * validationFraction).rounded())
        var nTest = Int((Double(n) * testFraction).rounded())
        if n >= 3 {
            nValidation = max(1, nValidation)
            nTest = max(1, nTest)
        }
        nValidation = min(nValidation, n)
        nTest = min(nTest, n - nValidation)
        let test = Array(order[0..<nTest])
        let validation = Array(order[nTest..<(nTest + nValidation)])
        let train = Array(order[(nTest + nValidation)...])
        // Within a split, keep a stable reading order (by name) for reproducible shards.
        return SplitDocuments(train: train.sorted { $0.name < $1.name },
                              validation: validation.sorted { $0.name < $1.name },
                              test: test.sorted { $0.name < $1.name })
    }
}
