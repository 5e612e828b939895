import Foundation

/// MNIST's handwritten digits (LeCun, Cortes, Burges) as the exporter's second domain: the four gzipped IDX files
/// under their customary names, read into `LabelledWindows` of shape [1, 28, 28] with pixels scaled to [0, 1]
/// (value / 255, not standardized: a generator's sigmoid output covers the same range) and classes "0"…"9".
/// MNIST has no writer ids, so every digit belongs to one person, "mnist": anonymization does not apply.
public enum MnistDigits {
    public enum Part: String, CaseIterable, Sendable {
        /// 60,000 digits.
        case training
        /// 10,000 digits.
        case test

        public var imagesFile: String { prefix + "-images-idx3-ubyte.gz" }
        public var labelsFile: String { prefix + "-labels-idx1-ubyte.gz" }
        private var prefix: String { self == .training ? "train" : "t10k" }
    }

    public static let classNames = (0...9).map(String.init)
    public static let personName = "mnist"

    /// The first `limit` digits (all when nil) of one part from the folder holding the four files.
    public static func load(_ part: Part, from folder: String, limit: Int? = nil) throws(MnistError) -> LabelledWindows {
        let join = { (name: String) in folder.hasSuffix("/") ? folder + name : folder + "/" + name }
        return try read(images: join(part.imagesFile), labels: join(part.labelsFile), limit: limit)
    }

    /// The first `limit` digits (all when nil) of a gzipped IDX image file and its label file.
    public static func read(images imagesPath: String, labels labelsPath: String,
                            limit: Int? = nil) throws(MnistError) -> LabelledWindows {
        if let limit, limit < 1 { throw MnistError(file: imagesPath, problem: "limit \(limit) is not a positive count") }
        let images = try IdxArray(path: imagesPath, rank: 3)
        let labels = try IdxArray(path: labelsPath, rank: 1)
        guard images.shape[0] == labels.shape[0] else {
            throw MnistError(file: labelsPath, problem: "\(labels.shape[0]) labels for the \(images.shape[0]) images of \(imagesPath)")
        }
        let count = min(images.shape[0], limit ?? .max)
        let pixels = images.shape[1] * images.shape[2]
        let labelValues = labels.values[..<count].map(Int.init)
        if let bad = labelValues.firstIndex(where: { $0 >= classNames.count }) {
            throw MnistError(file: labelsPath, problem: "label \(labelValues[bad]) of digit \(bad) is not a digit 0-9")
        }
        let inputs = images.values[..<(count * pixels)].map { Float($0) / 255 }
        do {
            return try LabelledWindows(exampleShape: [1, images.shape[1], images.shape[2]], classNames: classNames,
                                       inputs: inputs, labels: labelValues, persons: [Int](repeating: 0, count: count),
                                       personNames: [personName])
        } catch {
            throw MnistError(file: imagesPath, problem: "\(error)")
        }
    }
}

/// An IDX file of unsigned bytes (magic 0 0 8 rank, then rank big-endian sizes, then the values), gzipped.
struct IdxArray {
    var shape: [Int]
    var values: [UInt8]

    init(path: String, rank: Int) throws(MnistError) {
        let compressed: [UInt8]
        do {
            compressed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw MnistError(file: path, problem: "cannot read: \(error.localizedDescription)")
        }
        let bytes: [UInt8]
        do {
            bytes = try Gunzip.decompress(compressed)
        } catch {
            throw MnistError(file: path, problem: "gzip: \(error)")
        }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0, bytes[2] == 0x08, Int(bytes[3]) == rank else {
            let magic = bytes.prefix(4).map(String.init).joined(separator: " ")
            throw MnistError(file: path, problem: "wrong magic \(magic): expected 0 0 8 \(rank) (unsigned bytes of rank \(rank))")
        }
        guard bytes.count >= headerSize else {
            throw MnistError(file: path, problem: "\(bytes.count) bytes are too short for an IDX header of rank \(rank)")
        }
        shape = (0..<rank).map { axis in bytes[(4 + 4 * axis)..<(8 + 4 * axis)].reduce(0) { $0 << 8 | Int($1) } }
        let held = bytes.count - headerSize
        let mismatch = MnistError(file: path, problem: "sizes \(shape) do not match the \(held) values the file holds")
        // Sizes come from the file: multiply with overflow checks, so absurd ones are reported, not trapped on.
        var expected = 1
        for size in shape {
            let (product, overflow) = expected.multipliedReportingOverflow(by: size)
            guard size > 0, !overflow, product <= held else { throw mismatch }
            expected = product
        }
        guard expected == held else { throw mismatch }
        values = Array(bytes[headerSize...])
    }
}
