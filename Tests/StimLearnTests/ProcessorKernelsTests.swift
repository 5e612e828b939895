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
}
