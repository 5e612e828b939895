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

/// The largest size, stride or padding a layer accepts, and the most values one example may have at
/// any layer: far beyond any window, and small enough that no size arithmetic can overflow (model files
/// come from elsewhere).
let maximumSize = 1 << 24
let maximumValues = 1 << 28

/// The number of values of a shape, or nil when an axis is not in 1...maximumSize or the total is above
/// maximumValues.
func valueCount(_ shape: [Int]) -> Int? {
    var total = 1
    for size in shape {
        guard size > 0, size <= maximumSize else { return nil }
        total *= size
        guard total <= maximumValues else { return nil }
    }
    return total
}

/// Checks the input has the rank the layer needs and a usable size.
func requireShape(_ inputShape: [Int], rank: Int, layer: String) throws {
    guard inputShape.count == rank else {
        throw LearnError.shape("\(layer) needs an input of rank \(rank), got \(inputShape)")
    }
    guard valueCount(inputShape) != nil else {
        throw LearnError.shape("\(layer) got an empty or oversized input shape \(inputShape)")
    }
}

func requirePositive(_ values: [Int], _ name: String, count: Int, layer: String) throws {
    guard values.count == count, values.allSatisfy({ $0 > 0 && $0 <= maximumSize }) else {
        throw LearnError.shape("\(layer) needs \(count) \(name) value(s) in 1...\(maximumSize), got \(values)")
    }
}

func requirePadding(_ values: [Int], count: Int, layer: String) throws {
    guard values.count == count, values.allSatisfy({ $0 >= 0 && $0 <= maximumSize }) else {
        throw LearnError.shape("\(layer) needs \(count) padding value(s) in 0...\(maximumSize), got \(values)")
    }
}

/// The checks every (transposed) convolution shares: 1 or 2 spatial axes, an input of that rank plus
/// channels, and filters, kernel, stride and padding in range for each axis.
func requireConvolution(_ name: String, _ inputShape: [Int], filters: Int, kernel: [Int], stride: [Int],
                        padding: [Int]) throws {
    let dims = kernel.count
    guard dims == 1 || dims == 2 else { throw LearnError.shape("\(name): kernel must have 1 or 2 sizes") }
    try requireShape(inputShape, rank: dims + 1, layer: name)
    try requirePositive([filters], "filters", count: 1, layer: name)
    try requirePositive(kernel, "kernel", count: dims, layer: name)
    try requirePositive(stride, "stride", count: dims, layer: name)
    try requirePadding(padding, count: dims, layer: name)
}
