/// A trainable tensor and the gradient the last backward pass left for it.
public final class Parameter {
    public let name: String
    /// Row-major shape, as in the model file (e.g. Conv1D [out, in, kernel]).
    public let shape: [Int]
    public let value: FloatBuffer
    public let gradient: FloatBuffer
    /// Weight decay applies to weights, not to biases or normalization scales (the usual convention).
    public let decays: Bool

    public init(name: String, shape: [Int], decays: Bool) {
        self.name = name
        self.shape = shape
        self.decays = decays
        let count = shape.reduce(1, *)
        value = FloatBuffer(count: count)
        gradient = FloatBuffer(count: count)
    }

    public var count: Int { value.count }
}
