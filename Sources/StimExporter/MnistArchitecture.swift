import StimLearn

/// The networks of the MNIST domain (digits of [1, 28, 28] in [0, 1], 10 classes), as `LayerSpec` arrays the
/// exporter's pipeline builds with `Sequential`.
public enum MnistArchitecture {
    public static let inputShape = [1, 28, 28]
    public static let classes = 10
    /// The generator's noise vector.
    public static let noiseSize = 128

    /// The teacher, shaped like the method's (two convolutions, pooling, dense): 3×3 convolutions of 32 and 64
    /// filters, each followed by 2×2 max-pooling, then dense 128 with dropout, and 10 logits. 225,034 parameters.
    public static let teacher: [LayerSpec] = [
        .conv2d(filters: 32, kernel: [3, 3]), .relu, .maxPool2d(kernel: [2, 2], stride: [2, 2]),
        .conv2d(filters: 64, kernel: [3, 3]), .relu, .maxPool2d(kernel: [2, 2], stride: [2, 2]),
        .flatten, .dense(units: 128), .relu, .dropout(rate: 0.5), .dense(units: classes),
    ]

    /// The stimulus generator: 128 noise values → dense 32 × 7 × 7 → two transposed convolutions that double the
    /// side (7 → 14 → 28) → sigmoid, so stimuli share the digits' [0, 1] range.
    public static let generator: [LayerSpec] = [
        .dense(units: 32 * 7 * 7), .relu, .reshape([32, 7, 7]),
        .convTranspose2d(filters: 16, kernel: [4, 4], stride: [2, 2], padding: [1, 1]), .relu,
        .convTranspose2d(filters: 1, kernel: [4, 4], stride: [2, 2], padding: [1, 1]), .sigmoid,
    ]

    /// The student trained on stimuli only: a smaller convolutional net (8 and 16 filters, no hidden dense layer).
    public static let student: [LayerSpec] = [
        .conv2d(filters: 8, kernel: [3, 3]), .relu, .maxPool2d(kernel: [2, 2], stride: [2, 2]),
        .conv2d(filters: 16, kernel: [3, 3]), .relu, .maxPool2d(kernel: [2, 2], stride: [2, 2]),
        .flatten, .dense(units: classes),
    ]
}
