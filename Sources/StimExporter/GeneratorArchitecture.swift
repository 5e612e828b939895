import StimLearn

/// The stimulus generator G_AM for 1-D windows: noise → dense → [32, samples/4] → two transposed convolutions that
/// each double the length → tanh, so stimuli lie in (−1, 1). For belts (2 × 60): 128 → 480 → [32, 15] → [16, 30] →
/// [2, 60], 64,130 parameters.
public enum GeneratorArchitecture {
    public static func specs(outputShape: [Int]) throws -> [LayerSpec] {
        guard outputShape.count == 2, outputShape[0] > 0, outputShape[1] > 0, outputShape[1] % 4 == 0 else {
            throw ExportError.parameter("the 1-D generator makes [channels, samples] with samples a multiple of 4, "
                                        + "not \(outputShape)")
        }
        let length = outputShape[1] / 4
        return [
            .dense(units: 32 * length), .relu, .reshape([32, length]),
            .convTranspose1d(filters: 16, kernel: 4, stride: 2, padding: 1), .relu,
            .convTranspose1d(filters: outputShape[0], kernel: 4, stride: 2, padding: 1), .tanh,
        ]
    }
}
