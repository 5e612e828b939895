import Foundation
import StimTestSupport

/// An MNIST subset for the SVM cross-checks: the first `train` training and `test` test images, pixels / 255,
/// decoded from the shared IDX files by numpy (the test venv) into float32 files read here.
struct MnistSubset {
    var trainValues: [Float]
    var trainLabels: [Int]
    var testValues: [Float]
    var testLabels: [Int]
    static let features = 784

    static let script = #"""
import gzip, json, sys
import numpy as np
folder, out, counts = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
def images(name, n):
    with gzip.open(f"{folder}/{name}", "rb") as f:
        data = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    return (data.reshape(-1, 784)[:n].astype(np.float32) / 255).astype(np.float32)
def labels(name, n):
    with gzip.open(f"{folder}/{name}", "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=8)[:n].astype(int).tolist()
images("train-images-idx3-ubyte.gz", counts[0]).tofile(f"{out}/train.f32")
images("t10k-images-idx3-ubyte.gz", counts[1]).tofile(f"{out}/test.f32")
json.dump([labels("train-labels-idx1-ubyte.gz", counts[0]), labels("t10k-labels-idx1-ubyte.gz", counts[1])], sys.stdout)
"""#

    static func load(train: Int, test: Int) throws -> MnistSubset? {
        guard let folder = SharedData.path("mnist") else { return nil }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("stim-mnist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let json = try PythonEnvironment.run(["-c", script, folder.path, out.path, "[\(train), \(test)]"])
        let labels = try JSONDecoder().decode([[Int]].self, from: Data(json.utf8))
        func floats(_ name: String) throws -> [Float] {
            let data = try Data(contentsOf: out.appendingPathComponent(name))
            return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
        return MnistSubset(trainValues: try floats("train.f32"), trainLabels: labels[0], testValues: try floats("test.f32"),
                           testLabels: labels[1])
    }
}
