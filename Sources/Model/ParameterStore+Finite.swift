/// The first tensor holding a NaN or an infinity: a diverged update or a damaged checkpoint
/// is named where it arises, not found later as a perplexity of NaN.
extension ParameterStore {
    public struct NonFinite: Equatable, Sendable {
        public var tensor: String
        /// Flat index of the first bad element within the tensor.
        public var index: Int
        public var value: Float
    }

    /// Scans `tensors` (all of them by default) in buffer order.
    public func firstNonFinite(in tensors: [TensorSpec]? = nil) -> NonFinite? {
        for spec in tensors ?? self.tensors {
            let p = values.pointer + spec.offset
            for i in 0..<spec.count where !p[i].isFinite {
                return NonFinite(tensor: spec.name, index: i, value: p[i])
            }
        }
        return nil
    }
}
