/// One named tensor inside the parameter buffer. `name` is the Hugging Face (or PEFT) name.
public struct TensorSpec: Hashable, Sendable {
    public let name: String
    public let shape: [Int]
    /// Start of the tensor in `ParameterStore.values`.
    public let offset: Int
    /// Start of its gradient in `ParameterStore.gradients`; nil when the tensor is frozen.
    public let gradientOffset: Int?
    public var count: Int { shape.reduce(1, *) }
    public var isTrainable: Bool { gradientOffset != nil }
}

/// A tensor's value and (if trainable) gradient, as raw views for the layer functions.
public struct ParameterView {
    public let spec: TensorSpec
    public let value: UnsafeMutablePointer<Float>
    /// nil for frozen tensors: their weight-gradient products are skipped.
    public let gradient: UnsafeMutablePointer<Float>?
}

/// Every parameter of a model in ONE contiguous buffer, and the gradients of the trainable
/// ones in a second contiguous buffer (frozen tensors get no gradient memory at all).
public final class ParameterStore: @unchecked Sendable {
    public let tensors: [TensorSpec]
    public let values: FloatBuffer
    public let gradients: FloatBuffer
    private let index: [String: Int]

    /// `layout` lists (name, shape, trainable) in buffer order.
    public init(layout: [(name: String, shape: [Int], trainable: Bool)]) {
        var specs: [TensorSpec] = []
        var offset = 0, gradientOffset = 0
        for entry in layout {
            let count = entry.shape.reduce(1, *)
            specs.append(TensorSpec(name: entry.name, shape: entry.shape, offset: offset,
                                    gradientOffset: entry.trainable ? gradientOffset : nil))
            offset += count
            if entry.trainable { gradientOffset += count }
        }
        tensors = specs
        values = FloatBuffer(count: offset)
        gradients = FloatBuffer(count: gradientOffset)
        index = Dictionary(uniqueKeysWithValues: specs.enumerated().map { ($1.name, $0) })
    }

    public func spec(_ name: String) -> TensorSpec? { index[name].map { tensors[$0] } }

    public func view(_ name: String) -> ParameterView {
        guard let spec = spec(name) else { preconditionFailure("no parameter named \(name)") }
        return view(spec)
    }

    public func view(_ spec: TensorSpec) -> ParameterView {
        ParameterView(spec: spec, value: values.pointer + spec.offset,
                      gradient: spec.gradientOffset.map { gradients.pointer + $0 })
    }

    /// A copy of one tensor's values (tests, checkpoints, export).
    public func values(of name: String) -> [Float] {
        let v = view(name)
        return Array(UnsafeBufferPointer(start: v.value, count: v.spec.count))
    }

    public func setValues(of name: String, _ data: [Float]) {
        let v = view(name)
        precondition(data.count == v.spec.count, "\(name): expected \(v.spec.count) values, got \(data.count)")
        data.withUnsafeBufferPointer { v.value.update(from: $0.baseAddress!, count: data.count) }
    }

    public func gradient(of name: String) -> [Float]? {
        let v = view(name)
        return v.gradient.map { Array(UnsafeBufferPointer(start: $0, count: v.spec.count)) }
    }

    public var trainableTensors: [TensorSpec] { tensors.filter(\.isTrainable) }
    public var trainableCount: Int { gradients.count }
}
