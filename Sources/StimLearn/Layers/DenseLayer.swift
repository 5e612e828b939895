import StimKernels

/// y = W·x + b for each example: weight [units, inputs], bias [units].
public final class DenseLayer: NetworkLayer {
    public let inputShape: [Int]
    public let outputShape: [Int]
    public let weight: Parameter
    public let bias: Parameter?

    init(inputShape: [Int], units: Int, bias hasBias: Bool) throws {
        try requireShape(inputShape, rank: 1, layer: "dense")
        try requirePositive([units], "units", count: 1, layer: "dense")
        guard valueCount([units, inputShape[0]]) != nil else {
            throw LearnError.shape("dense: \(units) × \(inputShape[0]) weights are too many")
        }
        self.inputShape = inputShape
        outputShape = [units]
        weight = Parameter(name: "weight", shape: [units, inputShape[0]], decays: true)
        bias = hasBias ? Parameter(name: "bias", shape: [units], decays: false) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    public var spec: LayerSpec { .dense(units: outputShape[0], bias: bias != nil) }

    public func scratchCount(batch: Int) -> Int { MatrixMultiply.Optimized.scratchCount }

    public func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, batch: Int,
                        training: Bool, scratch: UnsafeMutableBufferPointer<Float>) {
        let (units, inputs) = (outputShape[0], inputShape[0])
        MatrixMultiply.Optimized.multiply(input, weight.value.readOnly, into: output, m: batch, n: units, k: inputs,
                                          transposeB: true, scratch: scratch)
        if let bias {
            for example in 0..<batch {
                for unit in 0..<units { output[example * units + unit] += bias.value[unit] }
            }
        }
    }

    public func backward(input: UnsafeBufferPointer<Float>, output: UnsafeBufferPointer<Float>,
                         outputGradient: UnsafeBufferPointer<Float>, inputGradient: UnsafeMutableBufferPointer<Float>?,
                         batch: Int, parameterGradients: [UnsafeMutableBufferPointer<Float>]?,
                         scratch: UnsafeMutableBufferPointer<Float>) {
        let (units, inputs) = (outputShape[0], inputShape[0])
        if let inputGradient {
            MatrixMultiply.Optimized.multiply(outputGradient, weight.value.readOnly, into: inputGradient,
                                              m: batch, n: inputs, k: units, scratch: scratch)
        }
        guard let parameterGradients else { return }
        MatrixMultiply.Optimized.multiply(outputGradient, input, into: parameterGradients[0], m: units, n: inputs,
                                          k: batch, transposeA: true, scratch: scratch)
        if bias != nil {
            let biasGradient = parameterGradients[1]
            biasGradient.update(repeating: 0)
            for example in 0..<batch {
                for unit in 0..<units { biasGradient[unit] += outputGradient[example * units + unit] }
            }
        }
    }
}
