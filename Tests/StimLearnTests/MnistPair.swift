import Foundation
import StimTestSupport
import Testing

/// Two MNIST digits as a binary problem (first digit +1), pixels/255: the IDX files in ../shared/data/mnist are
/// decoded by numpy in the test venv and handed over as raw float32 and int8 files.
enum MnistPair {
    static let script = #"""
    import gzip, sys
    import numpy as np
    folder, split, first, second, limit, out = sys.argv[1:7]
    with gzip.open(f"{folder}/{split}-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(f"{folder}/{split}-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    keep = np.flatnonzero((labels == int(first)) | (labels == int(second)))[:int(limit)]
    (images[keep].astype(np.float32) / 255).tofile(out + ".x")
    np.where(labels[keep] == int(first), 1, -1).astype(np.int8).tofile(out + ".y")
    """#

    /// The first `limit` examples of `first` or `second` in the `train` or `t10k` split.
    static func load(_ first: Int, _ second: Int, split: String, limit: Int) throws -> BinaryExamples {
        let folder = try #require(SharedData.path("mnist"))
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("stim-mnist-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: base + ".x")
            try? FileManager.default.removeItem(atPath: base + ".y")
        }
        _ = try PythonEnvironment.run(["-c", script, folder.path, split, "\(first)", "\(second)", "\(limit)", base])
        let labels = try Data(contentsOf: URL(fileURLWithPath: base + ".y")).map { Int8(bitPattern: $0) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: base + ".x"))
        let features = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return BinaryExamples(features: features, count: labels.count, dimension: 784, labels: labels)
    }
}
