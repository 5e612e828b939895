import StimKernels
import Testing
import StimLearn

/// ParallelMultiply splits a product among threads; each element must come out exactly as the single-threaded
/// MatrixMultiply.Optimized computes it, and within the usual bound of a Double evaluation.
@Suite struct ParallelMultiplyTests {
    static func randoms(_ count: Int, seed: UInt64) -> [Float] {
        var generator = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in 2 * generator.nextFloat() - 1 }
    }

    static func product(
        _ a: [Float], _ b: [Float], _ c0: [Float], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool,
        alpha: Float, beta: Float, multiplier: ParallelMultiply?
    ) -> [Float] {
        var c = c0
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    if let multiplier {
                        multiplier.multiply(a, b, into: c, m: m, n: n, k: k, transposeA: transposeA,
                                            transposeB: transposeB, alpha: alpha, beta: beta)
                    } else {
                        var scratch = [Float](repeating: 0, count: MatrixMultiply.Optimized.scratchCount)
                        scratch.withUnsafeMutableBufferPointer { scratch in
                            MatrixMultiply.Optimized.multiply(a, b, into: c, m: m, n: n, k: k, transposeA: transposeA,
                                                              transposeB: transposeB, alpha: alpha, beta: beta,
                                                              scratch: scratch)
                        }
                    }
                }
            }
        }
        return c
    }

    // Small and edge shapes (a batch of 64 through a dense layer, fewer rows than a tile, tall, wide, deep),
    // every layout, with and without beta, for 2 and 3 threads; the split threshold is lowered to 0 so that
    // even the small ones are split.
    @Test(arguments: [(64, 480, 128), (64, 2, 32), (5, 40, 9), (7, 7, 300), (13, 130, 17), (200, 33, 70),
                      (31, 257, 257), (97, 18, 520)] as [(Int, Int, Int)])
    func equalsSingleThreaded(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let a = Self.randoms(m * k, seed: 31), b = Self.randoms(k * n, seed: 32), c0 = Self.randoms(m * n, seed: 33)
        for threads in [2, 3] {
            let multiplier = ParallelMultiply(threads: threads)
            multiplier.minimumMultiplyAdds = 0
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    for (alpha, beta) in [(Float(1), Float(0)), (1.5, -0.5)] {
                        let single = Self.product(a, b, c0, m: m, n: n, k: k, transposeA: transposeA,
                                                  transposeB: transposeB, alpha: alpha, beta: beta, multiplier: nil)
                        let parallel = Self.product(a, b, c0, m: m, n: n, k: k, transposeA: transposeA,
                                                    transposeB: transposeB, alpha: alpha, beta: beta,
                                                    multiplier: multiplier)
                        #expect(parallel == single,
                                "\(shape) threads \(threads) tA \(transposeA) tB \(transposeB) beta \(beta)")
                        var worst = 0.0
                        for i in 0..<m {
                            for j in 0..<n {
                                var sum = 0.0, magnitude = 0.0
                                for p in 0..<k {
                                    let x = Double(transposeA ? a[p * m + i] : a[i * k + p])
                                    let y = Double(transposeB ? b[j * k + p] : b[p * n + j])
                                    sum += x * y
                                    magnitude += abs(x * y)
                                }
                                let cij = Double(c0[i * n + j])
                                let exact = Double(alpha) * sum + Double(beta) * cij
                                let bound = 1.2e-7 * (Double(k + 3) * Double(alpha) * magnitude + 2 * abs(Double(beta) * cij))
                                worst = max(worst, abs(Double(parallel[i * n + j]) - exact) / max(bound, 1e-30))
                            }
                        }
                        #expect(worst <= 1, "\(shape) threads \(threads) tA \(transposeA) tB \(transposeB)")
                    }
                }
            }
        }
    }

    // Empty products and a zero depth go through unchanged (beta applied, nothing read past the matrices).
    @Test func emptyAndZeroDepth() {
        let multiplier = ParallelMultiply(threads: 2)
        multiplier.minimumMultiplyAdds = 0
        let c = Self.product([], [], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], m: 6, n: 2, k: 0, transposeA: false,
                             transposeB: false, alpha: 1, beta: 2, multiplier: multiplier)
        #expect(c == [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24])
        let none = Self.product([], Self.randoms(15, seed: 1), [], m: 0, n: 5, k: 3, transposeA: false, transposeB: false, alpha: 1, beta: 0,
                                multiplier: multiplier)
        #expect(none.isEmpty)
    }
}
