/// A fixed-size, zero-initialised float32 allocation addressed through raw pointers.
///
/// Parameters, gradients, optimizer moments and activations are all `FloatBuffer`s, so the
/// layer functions can take plain `UnsafeMutablePointer<Float>` views (llm.c style) while
/// the buffer's lifetime is owned by the class that allocated it.
public final class FloatBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int) {
        precondition(count >= 0, "FloatBuffer: negative size")
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { pointer.deallocate() }

    public subscript(i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    public func zero() { pointer.update(repeating: 0, count: count) }

    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    public func copy(from other: FloatBuffer) {
        precondition(other.count == count, "FloatBuffer.copy: size mismatch")
        pointer.update(from: other.pointer, count: count)
    }
}
