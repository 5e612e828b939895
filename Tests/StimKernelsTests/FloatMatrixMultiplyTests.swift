import Testing
import StimKernels

@Suite struct FloatMatrixMultiplyTests {
    typealias Shape = (m: Int, n: Int, k: Int)

    /// Runs one kernel on arrays; `optimized` picks the blocked SIMD path (with its scratch).
    static func multiply(
        _ a: [Float], _ b: [Float], _ c: [Float], _ s: Shape, transposeA: Bool, transposeB: Bool,
        alpha: Float, beta: Float, optimized: Bool
    ) -> [Float] {
        var c = c
        var scratch = [Float](repeating: 0, count: MatrixMultiply.Optimized.scratchCount)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    scratch.withUnsafeMutableBufferPointer { scratch in
                        if optimized {
                            MatrixMultiply.Optimized.multiply(
                                a, b, into: c, m: s.m, n: s.n, k: s.k, transposeA: transposeA, transposeB: transposeB,
                                alpha: alpha, beta: beta, scratch: scratch)
                        } else {
                            MatrixMultiply.Reference.multiply(
                                a, b, into: c, m: s.m, n: s.n, k: s.k, transposeA: transposeA, transposeB: transposeB,
                                alpha: alpha, beta: beta)
                        }
                    }
                }
            }
        }
        return c
    }

    /// Row-major transpose of a rows × columns matrix.
    static func transpose(_ x: [Float], rows: Int, columns: Int) -> [Float] {
        (0..<(rows * columns)).map { index in x[(index % rows) * columns + index / rows] }
    }

    // [[1 2 3] [4 5 6]] · [[7 8] [9 10] [11 12]] = [[58 64] [139 154]], by hand; each operand stored both ways.
    @Test(arguments: [false, true])
    func handComputedProductInEveryLayout(optimized: Bool) {
        let a: [Float] = [1, 2, 3, 4, 5, 6], b: [Float] = [7, 8, 9, 10, 11, 12]
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let storedA = transposeA ? Self.transpose(a, rows: 2, columns: 3) : a
                let storedB = transposeB ? Self.transpose(b, rows: 3, columns: 2) : b
                let c = Self.multiply(storedA, storedB, [0, 0, 0, 0], (2, 2, 3), transposeA: transposeA,
                                      transposeB: transposeB, alpha: 1, beta: 0, optimized: optimized)
                #expect(c == [58, 64, 139, 154], "transposeA \(transposeA) transposeB \(transposeB)")
            }
        }
    }

    // beta = 0 never reads C (BLAS): NaN there must not leak; alpha and beta scale as defined.
    @Test(arguments: [false, true])
    func alphaAndBeta(optimized: Bool) {
        let a: [Float] = [1, 2, 3, 4, 5, 6], b: [Float] = [7, 8, 9, 10, 11, 12]
        let nan = Self.multiply(a, b, [.nan, .nan, .nan, .nan], (2, 2, 3), transposeA: false, transposeB: false,
                                alpha: 1, beta: 0, optimized: optimized)
        #expect(nan == [58, 64, 139, 154])
        let scaled = Self.multiply(a, b, [2, 4, 6, 8], (2, 2, 3), transposeA: false, transposeB: false,
                                   alpha: 2, beta: -0.5, optimized: optimized)
        #expect(scaled == [115, 126, 275, 304])
        let empty = Self.multiply([], [], [2, 4, 6, 8], (2, 2, 0), transposeA: false, transposeB: false,
                                  alpha: 1, beta: 3, optimized: optimized)
        #expect(empty == [6, 12, 18, 24])
    }

    // Both kernels against a Double evaluation, within the classic bound k·ε·Σ|a||b| (plus beta's rounding);
    // shapes cover 1×1, odd sizes, edges of the 6 × 8 tiles and more than one depth, row and column block, and
    // the few-row paths (dot products over depths that are and are not multiples of 8).
    @Test(arguments: [(1, 1, 1), (1, 17, 1), (1, 480, 128), (3, 23, 301), (5, 6, 7), (7, 13, 5), (6, 8, 256),
                      (13, 9, 257), (100, 9, 300), (5, 1030, 3), (97, 33, 520)] as [(Int, Int, Int)])
    func agreesWithDoublePrecisionProduct(shape: (Int, Int, Int)) {
        let s: Shape = (shape.0, shape.1, shape.2)
        let a = FloatTests.random(s.m * s.k, seed: 1), b = FloatTests.random(s.k * s.n, seed: 2)
        let c0 = FloatTests.random(s.m * s.n, seed: 3)
        let alpha: Float = 0.75, beta: Float = -1.25
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let (exact, bound) = FloatMatrixMultiplyBlockTests.bound(a, b, c0, s, transposeA: transposeA,
                                                                         transposeB: transposeB, alpha: alpha, beta: beta)
                for optimized in [false, true] {
                    let c = Self.multiply(a, b, c0, s, transposeA: transposeA, transposeB: transposeB,
                                          alpha: alpha, beta: beta, optimized: optimized)
                    FloatTests.expectClose(c, exact, tolerance: bound,
                                           "\(s) tA \(transposeA) tB \(transposeB) optimized \(optimized)")
                }
            }
        }
    }

    // Within one depth block (k ≤ 256) both kernels add the same products in the same order and apply alpha
    // and beta the same way, so without fused multiply-add they agree bit for bit.
    // Fewer than 6 rows take a direct path without packing that adds in the reference's order at any depth:
    // bit for bit the reference, with and without beta, at column edges and deep k, in every layout but one:
    // A as stored with B transposed takes dot products (fewRowsByDots), checked to rounding in
    // `agreesWithDoublePrecisionProduct`.
    @Test(arguments: [(1, 1, 1), (1, 480, 128), (2, 17, 300), (5, 9, 7), (3, 8, 1), (4, 23, 513)] as [(Int, Int, Int)])
    func fewRowsEqualReference(shape: (Int, Int, Int)) {
        let s: Shape = (shape.0, shape.1, shape.2)
        let a = FloatTests.random(s.m * s.k, seed: 7), b = FloatTests.random(s.k * s.n, seed: 8)
        let c0 = FloatTests.random(s.m * s.n, seed: 9)
        for transposeA in [false, true] {
            for transposeB in [false, true] where transposeA || !transposeB {
                for (alpha, beta) in [(Float(1), Float(0)), (0.5, 2)] {
                    let reference = Self.multiply(a, b, c0, s, transposeA: transposeA, transposeB: transposeB,
                                                  alpha: alpha, beta: beta, optimized: false)
                    let optimized = Self.multiply(a, b, c0, s, transposeA: transposeA, transposeB: transposeB,
                                                  alpha: alpha, beta: beta, optimized: true)
                    #expect(optimized == reference, "\(s) tA \(transposeA) tB \(transposeB) beta \(beta)")
                }
            }
        }
    }

    @Test func optimizedEqualsReferenceWithinOneDepthBlock() {
        let s: Shape = (29, 31, 256)
        let a = FloatTests.random(s.m * s.k, seed: 4), b = FloatTests.random(s.k * s.n, seed: 5)
        let c0 = FloatTests.random(s.m * s.n, seed: 6)
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let reference = Self.multiply(a, b, c0, s, transposeA: transposeA, transposeB: transposeB,
                                              alpha: 0.5, beta: 2, optimized: false)
                let optimized = Self.multiply(a, b, c0, s, transposeA: transposeA, transposeB: transposeB,
                                              alpha: 0.5, beta: 2, optimized: true)
                #expect(optimized == reference, "transposeA \(transposeA) transposeB \(transposeB)")
            }
        }
    }
}
