import StimFormats

extension Sequential {
    /// The network as a model file stores it, in float32: batch normalization folded into the layer
    /// before it (so inference does one multiply-add less per value) and dropout left out.
    public func neuralNet() throws -> NeuralNet {
        var stored: [StimFormats.Layer] = []
        for (index, layer) in layers.enumerated() {
            let name = "\(index)"
            switch layer {
            case let dense as DenseLayer:
                stored.append(.init(name: name, kind: .dense(Dense(
                    weight: Tensor(float32: dense.weight.value.array, shape: dense.weight.shape),
                    bias: dense.bias.map { Tensor(float32: $0.value.array, shape: $0.shape) }))))
            case let conv as ConvLayer:
                let g = conv.geometry, twoD = conv.inputShape.count == 3
                let stored2D = Conv(
                    weight: Tensor(float32: conv.weight.value.array, shape: conv.weight.shape),
                    bias: conv.bias.map { Tensor(float32: $0.value.array, shape: $0.shape) },
                    stride: twoD ? [g.strideHeight, g.strideWidth] : [g.strideWidth],
                    padding: twoD ? [g.paddingHeight, g.paddingWidth] : [g.paddingWidth],
                    dilation: twoD ? [g.dilationHeight, g.dilationWidth] : [g.dilationWidth])
                stored.append(.init(name: name, kind: twoD ? .conv2d(stored2D) : .conv1d(stored2D)))
            case let transposed as ConvTransposeLayer:
                guard transposed.outputPadding.allSatisfy({ $0 == 0 }) else {
                    throw LearnError.unsupported("layer \(index + 1): the model format has no output padding for transposed convolutions")
                }
                let a = transposed.adjoint, twoD = transposed.inputShape.count == 3
                let conv = Conv(
                    weight: Tensor(float32: transposed.weight.value.array, shape: transposed.weight.shape),
                    bias: transposed.bias.map { Tensor(float32: $0.value.array, shape: $0.shape) },
                    stride: twoD ? [a.strideHeight, a.strideWidth] : [a.strideWidth],
                    padding: twoD ? [a.paddingHeight, a.paddingWidth] : [a.paddingWidth], transposed: true)
                stored.append(.init(name: name, kind: twoD ? .conv2d(conv) : .conv1d(conv)))
            case let pool as PoolLayer:
                let g = pool.geometry, twoD = pool.inputShape.count == 3
                stored.append(.init(name: name, kind: .pool(Pool(
                    kind: pool.kind == .max ? .max : .average,
                    size: twoD ? [g.kernelHeight, g.kernelWidth] : [g.kernelWidth],
                    stride: twoD ? [g.strideHeight, g.strideWidth] : [g.strideWidth]))))
            case is GlobalAveragePoolLayer:
                stored.append(.init(name: name, kind: .pool(Pool(kind: .globalAverage))))
            case let reshape as ReshapeLayer:
                stored.append(.init(name: name, kind: .reshape(reshape.outputShape.count == 1 ? [] : reshape.outputShape)))
            case let activation as ActivationLayer:
                let stored1: Activation
                switch activation.function {
                case .relu: stored1 = Activation(kind: .relu)
                case .leakyRelu(let slope): stored1 = Activation(kind: .leakyRelu, alpha: slope)
                case .sigmoid: stored1 = Activation(kind: .sigmoid)
                case .tanh: stored1 = Activation(kind: .tanh)
                }
                stored.append(.init(name: name, kind: .activation(stored1)))
            case is DropoutLayer:
                continue
            case let norm as BatchNormLayer:
                guard index > 0, let last = stored.popLast() else {
                    throw LearnError.unsupported("layer \(index + 1): batch normalization must follow a dense or convolution layer to be folded")
                }
                stored.append(try fold(norm, into: last, index: index))
            default:
                throw LearnError.unsupported("layer \(index + 1) (\(layer.spec)) has no model-file form")
            }
        }
        return NeuralNet(layers: stored)
    }

    /// y = γ·(z − μ)/√(σ² + ε) + β after z = W·x + b is z' = W'·x + b' with W' = W·γ/√(σ² + ε) per output
    /// channel and b' = (b − μ)·γ/√(σ² + ε) + β.
    private func fold(_ norm: BatchNormLayer, into layer: StimFormats.Layer, index: Int) throws -> StimFormats.Layer {
        let channels = norm.inputShape[0]
        let factors = (0..<channels).map { c in norm.scale.value[c] / (norm.runningVariance[c] + norm.epsilon).squareRoot() }
        func folded(_ weight: Tensor, _ bias: Tensor?, channelAxis: Int) -> (Tensor, Tensor) {
            var w = weight.floats!
            let outer = weight.shape[..<channelAxis].reduce(1, *)
            let inner = weight.shape[(channelAxis + 1)...].reduce(1, *)
            for o in 0..<outer {
                for c in 0..<channels {
                    for i in 0..<inner { w[(o * channels + c) * inner + i] *= factors[c] }
                }
            }
            let b = bias?.floats ?? [Float](repeating: 0, count: channels)
            let newBias = (0..<channels).map { c in (b[c] - norm.runningMean[c]) * factors[c] + norm.shift.value[c] }
            return (Tensor(float32: w, shape: weight.shape), Tensor(float32: newBias, shape: [channels]))
        }
        var result = layer
        switch layer.kind {
        case .dense(let d):
            let (w, b) = folded(d.weight, d.bias, channelAxis: 0)
            result.kind = .dense(Dense(weight: w, bias: b))
        case .conv1d(var c), .conv2d(var c):
            // A transposed convolution's weight is [in, out, k…]: its output channels are axis 1.
            (c.weight, c.bias) = folded(c.weight, c.bias, channelAxis: c.transposed ? 1 : 0)
            if case .conv1d = layer.kind { result.kind = .conv1d(c) } else { result.kind = .conv2d(c) }
        default:
            throw LearnError.unsupported("layer \(index + 1): batch normalization must follow a dense or convolution layer to be folded")
        }
        return result
    }

    /// Rebuilds a float32 network from a model file's layers, for examples of `inputShape`.
    public convenience init(neuralNet: NeuralNet, inputShape: [Int]) throws {
        var specs: [LayerSpec] = []
        var tensors: [Tensor] = []
        for (index, layer) in neuralNet.layers.enumerated() {
            func floatTensor(_ t: Tensor?) throws -> Tensor? {
                guard let t else { return nil }
                guard t.dtype == .float32 else {
                    throw LearnError.unsupported("layer \(index + 1) is quantized (\(t.dtype)): run it with QuantizedNetwork")
                }
                return t
            }
            switch layer.kind {
            case .dense(let d):
                guard d.weight.shape.count == 2 else { throw LearnError.unsupported("layer \(index + 1): dense weight shape \(d.weight.shape)") }
                specs.append(.dense(units: d.weight.shape[0], bias: d.bias != nil))
                tensors += [try floatTensor(d.weight)!] + (try floatTensor(d.bias).map { [$0] } ?? [])
            case .conv1d(let c), .conv2d(let c):
                let twoD: Bool
                if case .conv2d = layer.kind { twoD = true } else { twoD = false }
                let dims = twoD ? 2 : 1
                guard c.weight.shape.count == dims + 2 else {
                    throw LearnError.unsupported("layer \(index + 1): convolution weight shape \(c.weight.shape)")
                }
                let (kernel, stride, padding, dilation) = c.hyperparameters(dims: dims)
                let hasBias = c.bias != nil
                switch (c.transposed, twoD) {
                case (false, false):
                    specs.append(.conv1d(filters: c.weight.shape[0], kernel: kernel[0], stride: stride[0], padding: padding[0],
                                         dilation: dilation[0], bias: hasBias))
                case (false, true):
                    specs.append(.conv2d(filters: c.weight.shape[0], kernel: kernel, stride: stride, padding: padding,
                                         dilation: dilation, bias: hasBias))
                case (true, false):
                    specs.append(.convTranspose1d(filters: c.weight.shape[1], kernel: kernel[0], stride: stride[0],
                                                  padding: padding[0], bias: hasBias))
                case (true, true):
                    specs.append(.convTranspose2d(filters: c.weight.shape[1], kernel: kernel, stride: stride,
                                                  padding: padding, bias: hasBias))
                }
                tensors += [try floatTensor(c.weight)!] + (try floatTensor(c.bias).map { [$0] } ?? [])
            case .pool(let p):
                switch (p.kind, p.size.count) {
                case (.globalAverage, _): specs.append(.globalAveragePool)
                case (.max, 1): specs.append(.maxPool1d(kernel: p.size[0], stride: p.windowStride[0]))
                case (.max, 2): specs.append(.maxPool2d(kernel: p.size, stride: p.windowStride))
                case (.average, 1): specs.append(.averagePool1d(kernel: p.size[0], stride: p.windowStride[0]))
                case (.average, 2): specs.append(.averagePool2d(kernel: p.size, stride: p.windowStride))
                default: throw LearnError.unsupported("layer \(index + 1): pool of size \(p.size)")
                }
            case .activation(let a):
                switch a.kind {
                case .relu: specs.append(.relu)
                case .leakyRelu: specs.append(.leakyRelu(slope: a.alpha))
                case .sigmoid: specs.append(.sigmoid)
                case .tanh: specs.append(.tanh)
                case .softmax: throw LearnError.unsupported("layer \(index + 1): softmax layers (students output logits)")
                }
            case .reshape(let shape):
                specs.append(shape.isEmpty ? .flatten : .reshape(shape))
            }
        }
        try self.init(inputShape: inputShape, layers: specs)
        guard tensors.count == parameters.count else {
            throw LearnError.unsupported("the model's tensors do not match its layers")
        }
        for (parameter, tensor) in zip(parameters, tensors) {
            guard tensor.shape == parameter.shape, let values = tensor.floats, values.count == parameter.count else {
                throw LearnError.unsupported("tensor of shape \(tensor.shape) where \(parameter.shape) is expected")
            }
            values.withUnsafeBufferPointer { parameter.value.copy(from: $0) }
        }
    }
}

extension Conv {
    /// Kernel (from the weight's shape) and stride, padding and dilation with the model format's defaults
    /// for empty fields: 1, 0 and 1 per spatial axis.
    func hyperparameters(dims: Int) -> (kernel: [Int], stride: [Int], padding: [Int], dilation: [Int]) {
        (Array(weight.shape[2...]),
         stride.isEmpty ? Array(repeating: 1, count: dims) : stride,
         padding.isEmpty ? Array(repeating: 0, count: dims) : padding,
         dilation.isEmpty ? Array(repeating: 1, count: dims) : dilation)
    }
}

extension Pool {
    /// The stride, or the window size when the field is empty (windows side by side).
    var windowStride: [Int] { stride.isEmpty ? size : stride }
}
