/// A layer's kind and hyper-parameters, before it knows the shape it gets: what `Sequential` is built from.
/// Sizes that differ per axis are listed height first for 2-D layers ([kernelHeight, kernelWidth]).
public enum LayerSpec: Equatable, Sendable {
    case dense(units: Int, bias: Bool = true)
    case conv1d(filters: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1, bias: Bool = true)
    case conv2d(filters: Int, kernel: [Int], stride: [Int] = [1, 1], padding: [Int] = [0, 0], dilation: [Int] = [1, 1],
                bias: Bool = true)
    /// Output length (in − 1)·stride − 2·padding + kernel + outputPadding, as in PyTorch.
    case convTranspose1d(filters: Int, kernel: Int, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0,
                         bias: Bool = true)
    case convTranspose2d(filters: Int, kernel: [Int], stride: [Int] = [1, 1], padding: [Int] = [0, 0],
                         outputPadding: [Int] = [0, 0], bias: Bool = true)
    case maxPool1d(kernel: Int, stride: Int)
    case maxPool2d(kernel: [Int], stride: [Int])
    case averagePool1d(kernel: Int, stride: Int)
    case averagePool2d(kernel: [Int], stride: [Int])
    /// [channels, …] → [channels]: the mean over all positions.
    case globalAveragePool
    case flatten
    case reshape([Int])
    case relu
    case leakyRelu(slope: Float)
    case sigmoid
    case tanh
    case dropout(rate: Float)
    /// Normalizes each channel (the first axis) by batch statistics in training, running ones after.
    case batchNorm(momentum: Float = 0.1, epsilon: Float = 1e-5)

    /// Builds the layer for one example of `inputShape`; weights start at zero until initialized.
    public func makeLayer(inputShape: [Int], seed: UInt64) throws -> any NetworkLayer {
        switch self {
        case .dense(let units, let bias):
            return try DenseLayer(inputShape: inputShape, units: units, bias: bias)
        case .conv1d(let filters, let kernel, let stride, let padding, let dilation, let bias):
            return try ConvLayer(inputShape: inputShape, filters: filters, kernel: [kernel], stride: [stride],
                                 padding: [padding], dilation: [dilation], bias: bias)
        case .conv2d(let filters, let kernel, let stride, let padding, let dilation, let bias):
            return try ConvLayer(inputShape: inputShape, filters: filters, kernel: kernel, stride: stride,
                                 padding: padding, dilation: dilation, bias: bias)
        case .convTranspose1d(let filters, let kernel, let stride, let padding, let outputPadding, let bias):
            return try ConvTransposeLayer(inputShape: inputShape, filters: filters, kernel: [kernel], stride: [stride],
                                          padding: [padding], outputPadding: [outputPadding], bias: bias)
        case .convTranspose2d(let filters, let kernel, let stride, let padding, let outputPadding, let bias):
            return try ConvTransposeLayer(inputShape: inputShape, filters: filters, kernel: kernel, stride: stride,
                                          padding: padding, outputPadding: outputPadding, bias: bias)
        case .maxPool1d(let kernel, let stride):
            return try PoolLayer(inputShape: inputShape, kind: .max, kernel: [kernel], stride: [stride])
        case .maxPool2d(let kernel, let stride):
            return try PoolLayer(inputShape: inputShape, kind: .max, kernel: kernel, stride: stride)
        case .averagePool1d(let kernel, let stride):
            return try PoolLayer(inputShape: inputShape, kind: .average, kernel: [kernel], stride: [stride])
        case .averagePool2d(let kernel, let stride):
            return try PoolLayer(inputShape: inputShape, kind: .average, kernel: kernel, stride: stride)
        case .globalAveragePool:
            return try GlobalAveragePoolLayer(inputShape: inputShape)
        case .flatten:
            return try ReshapeLayer(inputShape: inputShape, outputShape: [inputShape.reduce(1, *)])
        case .reshape(let shape):
            return try ReshapeLayer(inputShape: inputShape, outputShape: shape)
        case .relu:
            return ActivationLayer(inputShape: inputShape, function: .relu)
        case .leakyRelu(let slope):
            return ActivationLayer(inputShape: inputShape, function: .leakyRelu(slope))
        case .sigmoid:
            return ActivationLayer(inputShape: inputShape, function: .sigmoid)
        case .tanh:
            return ActivationLayer(inputShape: inputShape, function: .tanh)
        case .dropout(let rate):
            return try DropoutLayer(inputShape: inputShape, rate: rate, seed: seed)
        case .batchNorm(let momentum, let epsilon):
            return try BatchNormLayer(inputShape: inputShape, momentum: momentum, epsilon: epsilon)
        }
    }
}

/// Checks every size of a layer is positive and the input has the rank the layer needs.
func requireShape(_ inputShape: [Int], rank: Int, layer: String) throws {
    guard inputShape.count == rank else {
        throw LearnError.shape("\(layer) needs an input of rank \(rank), got \(inputShape)")
    }
    guard inputShape.allSatisfy({ $0 > 0 }) else {
        throw LearnError.shape("\(layer) got an empty input shape \(inputShape)")
    }
}

func requirePositive(_ values: [Int], _ name: String, count: Int, layer: String) throws {
    guard values.count == count, values.allSatisfy({ $0 > 0 }) else {
        throw LearnError.shape("\(layer) needs \(count) positive \(name) value(s), got \(values)")
    }
}
