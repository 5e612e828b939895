/// The students `stim train` builds, for windows of [channels, samples].
public enum StudentArchitecture: String, CaseIterable, Sendable {
    /// Three 1-D convolutions (16 filters of 7, 32 of 5, 32 of 3) with ReLU, two max-pools, global average
    /// pooling and a dense layer: 6,002 parameters for 2 channels and 2 classes, 6,560 bytes of int8 arena
    /// for 60-sample windows. Also the benchmarks' teacher.
    case cnn
    /// Two hidden dense layers of 64 and 32 on the flattened window.
    case mlp

    public func layers(classes: Int) -> [LayerSpec] {
        switch self {
        case .cnn:
            return [
                .conv1d(filters: 16, kernel: 7, padding: 3), .relu, .maxPool1d(kernel: 2, stride: 2),
                .conv1d(filters: 32, kernel: 5, padding: 2), .relu, .maxPool1d(kernel: 2, stride: 2),
                .conv1d(filters: 32, kernel: 3, padding: 1), .relu, .globalAveragePool, .dense(units: classes),
            ]
        case .mlp:
            return [.flatten, .dense(units: 64), .relu, .dense(units: 32), .relu, .dense(units: classes)]
        }
    }
}
