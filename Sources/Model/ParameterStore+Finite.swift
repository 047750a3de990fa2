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
            // x - x is 0 for every finite x and NaN for an infinity or a NaN: eight at a
            // time, then the one chunk that has one is searched element by element.
            let lanes = SIMD8<Float>.scalarCount
            var start = 0
            while start + lanes <= spec.count {
                let x = UnsafeRawPointer(p + start).loadUnaligned(as: SIMD8<Float>.self)
                if any((x - x) .!= SIMD8<Float>(repeating: 0)) { break }
                start += lanes
            }
            for i in start..<spec.count where !p[i].isFinite {
                return NonFinite(tensor: spec.name, index: i, value: p[i])
            }
        }
        return nil
    }
}
