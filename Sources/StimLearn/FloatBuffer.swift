/// A fixed-size, zero-initialized float32 array owned by a class, so layers and optimizers can hand out
/// unsafe pointers into it on every step without copy-on-write checks or reallocation.
public final class FloatBuffer {
    public let pointer: UnsafeMutableBufferPointer<Float>

    public init(count: Int) {
        pointer = .allocate(capacity: max(count, 0))
        pointer.initialize(repeating: 0)
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        _ = pointer.initialize(from: values)
    }

    deinit { pointer.deallocate() }

    public var count: Int { pointer.count }
    public var readOnly: UnsafeBufferPointer<Float> { UnsafeBufferPointer(pointer) }
    public var array: [Float] { Array(pointer) }

    public subscript(index: Int) -> Float {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }

    public func fill(_ value: Float) { pointer.update(repeating: value) }

    public func copy(from values: UnsafeBufferPointer<Float>) {
        precondition(values.count == count, "copy(from:) needs \(count) values, got \(values.count)")
        _ = pointer.update(fromContentsOf: values)
    }

    /// The values of `examples` in a buffer of examples of `size` floats each, laid out one after another.
    func slice(_ examples: Range<Int>, _ size: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(rebasing: pointer[(examples.lowerBound * size)..<(examples.upperBound * size)])
    }

    /// The first `count` floats, for batches smaller than the capacity.
    public func prefix(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(rebasing: pointer[0..<count])
    }
}

extension UnsafeMutableBufferPointer<Float> {
    var readOnly: UnsafeBufferPointer<Float> { UnsafeBufferPointer(self) }

    func slice(_ start: Int, _ count: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(rebasing: self[start..<(start + count)])
    }
}

extension UnsafeBufferPointer<Float> {
    func slice(_ start: Int, _ count: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(rebasing: self[start..<(start + count)])
    }
}
