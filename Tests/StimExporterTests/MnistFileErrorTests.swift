import Foundation
import StimTestSupport
import Testing
@testable import StimExporter

/// Small IDX files written here, gzipped by the system's gzip, then damaged one way at a time: each damage is a
/// MnistError naming the file and the problem.
@Suite struct MnistFileErrorTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stim-mnist-\(UUID().uuidString)").path

    /// An IDX header (magic 0 0 8 rank, big-endian sizes) and the values.
    static func idx(_ shape: [Int], _ values: [UInt8], type: UInt8 = 8) -> [UInt8] {
        [0, 0, type, UInt8(shape.count)] + shape.flatMap { size in (0..<4).reversed().map { UInt8(truncatingIfNeeded: size >> (8 * $0)) } }
            + values
    }

    /// Writes `bytes` gzipped as `name` (gzip -n: no name or time stamp, so the bytes are the same every run).
    func gzipped(_ name: String, _ bytes: [UInt8]) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        _ = try Subprocess.run("gzip", ["-n", "-f", path])
        return path + ".gz"
    }

    func write(_ path: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
    func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Three 2 × 2 images with pixels 0…11 × 20 and labels 3, 0, 9.
    func validPair() throws -> (images: String, labels: String) {
        (try gzipped("images", Self.idx([3, 2, 2], (0..<12).map { UInt8($0 * 20) })),
         try gzipped("labels", Self.idx([3], [3, 0, 9])))
    }

    func problem(_ body: () throws -> LabelledWindows) -> String {
        let error = #expect(throws: MnistError.self) { _ = try body() }
        return error?.problem ?? ""
    }

    @Test func readsAValidPair() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (images, labels) = try validPair()
        let digits = try MnistDigits.read(images: images, labels: labels)
        #expect(digits.exampleShape == [1, 2, 2] && digits.labels == [3, 0, 9])
        #expect(digits.inputs == (0..<12).map { Float($0 * 20) / 255 })
    }

    @Test func damagedFilesAreTypedErrors() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (images, labels) = try validPair()
        let good = try bytes(images)

        let truncated = folder + "/truncated.gz"
        try write(truncated, Array(good.prefix(good.count - 12)))
        #expect(problem { try MnistDigits.read(images: truncated, labels: labels) }.contains("truncated"))

        // The last 8 bytes are the CRC-32 and the length: a flipped CRC bit is caught by zlib's check.
        var flipped = good
        flipped[good.count - 6] ^= 0x10
        let corrupt = folder + "/corrupt.gz"
        try write(corrupt, flipped)
        #expect(problem { try MnistDigits.read(images: corrupt, labels: labels) }.contains("corrupt"))

        let plain = folder + "/plain"
        try write(plain, Self.idx([3, 2, 2], [UInt8](repeating: 0, count: 12)))
        #expect(problem { try MnistDigits.read(images: plain, labels: labels) }.contains("not gzip"))

        // A label file (rank 1) given as the images, and images of another value type (0x0D: float).
        #expect(problem { try MnistDigits.read(images: labels, labels: labels) }.contains("wrong magic"))
        let floats = try gzipped("floats", Self.idx([3, 2, 2], [UInt8](repeating: 0, count: 48), type: 0x0D))
        #expect(problem { try MnistDigits.read(images: floats, labels: labels) }.contains("wrong magic"))

        let short = try gzipped("short", Self.idx([3, 2, 2], [UInt8](repeating: 0, count: 11)))
        #expect(problem { try MnistDigits.read(images: short, labels: labels) }.contains("do not match"))
        let absurd = try gzipped("absurd", Self.idx([0x7fff_ffff, 0x7fff_ffff, 0x7fff_ffff], []))
        #expect(problem { try MnistDigits.read(images: absurd, labels: labels) }.contains("do not match"))

        let fewer = try gzipped("fewer", Self.idx([2], [3, 0]))
        #expect(problem { try MnistDigits.read(images: images, labels: fewer) }.contains("2 labels for the 3 images"))
        let notDigit = try gzipped("ten", Self.idx([3], [3, 10, 9]))
        #expect(problem { try MnistDigits.read(images: images, labels: notDigit) }.contains("label 10 of digit 1"))

        #expect(problem { try MnistDigits.read(images: folder + "/missing.gz", labels: labels) }.contains("cannot read"))
        let error = #expect(throws: MnistError.self) { try MnistDigits.read(images: truncated, labels: labels) }
        #expect(error?.file == truncated)
    }
}
