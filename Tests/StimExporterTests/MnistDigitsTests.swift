import Foundation
import StimTestSupport
import Testing
@testable import StimExporter

/// The shared MNIST files against numpy's reading of the same files (gzip + np.frombuffer in the test venv).
@Suite(.enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"),
       .enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
struct MnistDigitsTests {
    /// Per part: count, label histogram, the first 10 labels, the sum of all pixel bytes and of image 0's.
    struct Reference: Decodable {
        var count: Int
        var histogram: [Int]
        var first: [Int]
        var pixelSum: Int
        var firstImageSum: Int
    }

    static let script = #"""
import gzip, json, sys
import numpy as np
folder = sys.argv[1]
def read(name, offset):
    with gzip.open(f"{folder}/{name}", "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)
out = {}
for part, prefix in (("training", "train"), ("test", "t10k")):
    labels = read(f"{prefix}-labels-idx1-ubyte.gz", 8).astype(int)
    images = read(f"{prefix}-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.int64)
    out[part] = {"count": len(labels), "histogram": np.bincount(labels, minlength=10).tolist(),
                 "first": labels[:10].tolist(), "pixelSum": int(images.sum()), "firstImageSum": int(images[0].sum())}
json.dump(out, sys.stdout)
"""#

    @Test func partsMatchNumpy() throws {
        let folder = try #require(SharedData.path("mnist"))
        let json = try PythonEnvironment.run(["-c", Self.script, folder.path])
        let reference = try JSONDecoder().decode([String: Reference].self, from: Data(json.utf8))
        for (part, count, first) in [(MnistDigits.Part.training, 60_000, [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]),
                                     (.test, 10_000, [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])] {
            let digits = try MnistDigits.load(part, from: folder.path)
            let numpy = try #require(reference[part.rawValue])
            #expect(digits.count == count && numpy.count == count)
            #expect(digits.exampleShape == [1, 28, 28] && digits.classNames == (0...9).map(String.init))
            #expect(digits.personNames == ["mnist"] && Set(digits.persons) == [0])
            #expect(Array(digits.labels.prefix(10)) == first && numpy.first == first)
            var histogram = [Int](repeating: 0, count: 10)
            for label in digits.labels { histogram[label] += 1 }
            #expect(histogram == numpy.histogram)
            // Pixels come back as byte / 255: scaling back and rounding recovers the bytes numpy summed.
            let bytes = digits.inputs.map { Int(($0 * 255).rounded()) }
            #expect(bytes.reduce(0, +) == numpy.pixelSum)
            #expect(bytes[..<784].reduce(0, +) == numpy.firstImageSum)
            #expect(digits.inputs.min() == 0 && digits.inputs.max() == 1)
        }
    }

    @Test func limitKeepsTheFirstDigits() throws {
        let folder = try #require(SharedData.path("mnist"))
        let all = try MnistDigits.load(.test, from: folder.path)
        let first = try MnistDigits.load(.test, from: folder.path, limit: 25)
        #expect(first.count == 25 && first.labels == Array(all.labels.prefix(25)))
        #expect(first.inputs == Array(all.inputs.prefix(25 * 784)))
        #expect(throws: MnistError.self) { try MnistDigits.load(.test, from: folder.path, limit: 0) }
    }
}
