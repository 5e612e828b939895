import Foundation
import StimKernels
import Testing
import StimLearn

/// The 6 × 16 AVX tile that ProcessorKernels installs must give exactly the bits of the 6 × 8 Swift tile it
/// replaces (two of them side by side): installing it changes speed only. Serialized: each case takes the
/// tile out for its narrow product, and another case must not find it missing meanwhile.
@Suite(.serialized) struct ProcessorKernelsTests {
    /// Around the tiles (6 rows; 8, 16 and odd column counts, so a wide tile stores 9–15 columns and a last
    /// panel runs alone), the depth block (256), the row block (144) and the column block (1,024).
    static let shapes: [(Int, Int, Int)] = [
        (6, 16, 5), (7, 17, 2), (11, 15, 9), (64, 24, 31), (12, 32, 256), (13, 33, 257), (145, 47, 65),
        (6, 9, 300), (48, 1030, 5), (64, 3840, 14),
    ]

    @Test func installedWhereTheProcessorHasAvx() throws {
        #if arch(x86_64)
        // An independent look at the processor: the kernel's "avx" flag (CPUID and OS support both).
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        #expect(ProcessorKernels.wideTile == flags.split(separator: " ").contains("avx"))
        #else
        #expect(!ProcessorKernels.wideTile)
        #endif
        #expect((MatrixMultiply.Optimized.wideTile != nil) == ProcessorKernels.wideTile)
    }

    @Test(arguments: shapes)
    func wideTileGivesTheNarrowTilesBits(shape: (Int, Int, Int)) throws {
        guard ProcessorKernels.wideTile else { return }
        let installed = try #require(MatrixMultiply.Optimized.wideTile)
        defer { MatrixMultiply.Optimized.wideTile = installed }
        let (m, n, k) = shape
        let a = ParallelMultiplyTests.randoms(m * k, seed: 41), b = ParallelMultiplyTests.randoms(k * n, seed: 42)
        let c0 = ParallelMultiplyTests.randoms(m * n, seed: 43)
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                for (alpha, beta) in [(Float(1), Float(0)), (-0.75, 1.5)] {
                    func product() -> [Float] {
                        ParallelMultiplyTests.product(a, b, c0, m: m, n: n, k: k, transposeA: transposeA,
                                                      transposeB: transposeB, alpha: alpha, beta: beta, multiplier: nil)
                    }
                    MatrixMultiply.Optimized.wideTile = nil
                    let narrow = product()
                    MatrixMultiply.Optimized.wideTile = installed
                    let wide = product()
                    #expect(wide.map(\.bitPattern) == narrow.map(\.bitPattern),
                            "\(shape) tA \(transposeA) tB \(transposeB) beta \(beta)")
                }
            }
        }
    }

    /// The convolution tiles and packing (Convolution.Direct) likewise: the teacher's three layers, and edges (a
    /// last tile of 1–5 rows, 9–15 positions, 17 filters, dilation, a batch of one).
    static let convolutions: [ConvolutionShape] = [
        .oneDimensional(batch: 3, inChannels: 2, outChannels: 16, length: 60, kernel: 7, padding: 3),
        .oneDimensional(batch: 3, inChannels: 16, outChannels: 32, length: 30, kernel: 5, padding: 2),
        .oneDimensional(batch: 3, inChannels: 32, outChannels: 32, length: 15, kernel: 3, padding: 1),
        .oneDimensional(batch: 2, inChannels: 5, outChannels: 17, length: 11, kernel: 3, dilation: 2),
        .oneDimensional(batch: 1, inChannels: 3, outChannels: 7, length: 41, kernel: 4, padding: 1),
        .oneDimensional(batch: 2, inChannels: 1, outChannels: 9, length: 25, kernel: 1),
    ]

    @Test(arguments: convolutions)
    func convolutionTilesGiveTheNarrowTilesBits(shape s: ConvolutionShape) throws {
        guard ProcessorKernels.wideTile else { return }
        let forward = try #require(Convolution.Direct.wideForwardTile)
        let weight = try #require(Convolution.Direct.wideWeightTile)
        let interleave = try #require(Convolution.Direct.wideInterleave)
        defer {
            Convolution.Direct.wideForwardTile = forward
            Convolution.Direct.wideWeightTile = weight
            Convolution.Direct.wideInterleave = interleave
        }
        let input = ParallelMultiplyTests.randoms(s.inputCount, seed: 51)
        let weights = ParallelMultiplyTests.randoms(s.weightCount, seed: 52)
        let gradient = ParallelMultiplyTests.randoms(s.outputCount, seed: 53)
        let bias = ParallelMultiplyTests.randoms(s.outChannels, seed: 54)
        func kernels() -> [[Float]] {
            var scratch = [Float](repeating: .nan, count: s.scratchCount)
            var output = [Float](repeating: .nan, count: s.outputCount)
            var inputGradient = [Float](repeating: .nan, count: s.inputCount)
            var weightGradient = [Float](repeating: .nan, count: s.weightCount)
            scratch.withUnsafeMutableBufferPointer { work in
                input.withUnsafeBufferPointer { x in
                    weights.withUnsafeBufferPointer { w in
                        gradient.withUnsafeBufferPointer { g in
                            bias.withUnsafeBufferPointer { b in
                                output.withUnsafeMutableBufferPointer {
                                    Convolution.Optimized.forward(x, weight: w, bias: b, into: $0, shape: s, scratch: work)
                                }
                                inputGradient.withUnsafeMutableBufferPointer {
                                    Convolution.Optimized.backwardInput(g, weight: w, into: $0, shape: s, scratch: work)
                                }
                                weightGradient.withUnsafeMutableBufferPointer {
                                    Convolution.Optimized.backwardWeight(g, input: x, into: $0, shape: s, scratch: work)
                                }
                            }
                        }
                    }
                }
            }
            return [output, inputGradient, weightGradient]
        }
        (Convolution.Direct.wideForwardTile, Convolution.Direct.wideWeightTile) = (nil, nil)
        Convolution.Direct.wideInterleave = nil
        let narrow = kernels()
        (Convolution.Direct.wideForwardTile, Convolution.Direct.wideWeightTile) = (forward, weight)
        Convolution.Direct.wideInterleave = interleave
        let wide = kernels()
        for (name, (a, b)) in zip(["forward", "input gradient", "weight gradient"], zip(wide, narrow)) {
            #expect(a.allSatisfy { $0.isFinite }, "\(name) \(s)")
            #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "\(name) \(s)")
        }
    }
}
