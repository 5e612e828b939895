import Testing
import StimKernels

/// MatrixMultiply.Optimized's register tile (6 × 8) at every edge, and its
/// `rows:` / `columns:` blocks, which callers with threads use to split one product.
@Suite struct FloatMatrixMultiplyBlockTests {
    typealias Shape = FloatMatrixMultiplyTests.Shape

    /// Shapes around the tile (6 rows; 8 and 16 columns), the row block (144) and the depth block (256),
    /// plus a few drawn at random (fixed seed).
    static let shapes: [(Int, Int, Int)] = {
        var shapes: [(Int, Int, Int)] = [
            (6, 16, 1), (29, 37, 1), (7, 17, 2), (11, 15, 9), (12, 32, 256), (13, 33, 257), (18, 24, 31), (5, 16, 40),
            (145, 47, 65), (150, 7, 12), (6, 1, 3), (48, 1030, 5),
        ]
        var g = Xoshiro256StarStar(seed: 42)
        for _ in 0..<6 {
            shapes.append((1 + Int(g.next() % 70), 1 + Int(g.next() % 70), 1 + Int(g.next() % 300)))
        }
        return shapes
    }()

    /// The product in Double and its error bound k·ε·Σ|a||b| (plus beta's rounding), element by element; both
    /// matrix-multiply suites check against it.
    static func bound(_ a: [Float], _ b: [Float], _ c0: [Float], _ s: Shape, transposeA: Bool, transposeB: Bool,
                      alpha: Float, beta: Float) -> (exact: [Double], bound: [Double]) {
        var exact = [Double](repeating: 0, count: s.m * s.n), bound = exact
        for i in 0..<s.m {
            for j in 0..<s.n {
                var sum = 0.0, magnitude = 0.0
                for p in 0..<s.k {
                    let x = Double(transposeA ? a[p * s.m + i] : a[i * s.k + p])
                    let y = Double(transposeB ? b[j * s.k + p] : b[p * s.n + j])
                    sum += x * y
                    magnitude += abs(x * y)
                }
                let cij = Double(c0[i * s.n + j])
                exact[i * s.n + j] = Double(alpha) * sum + Double(beta) * cij
                bound[i * s.n + j] = 1.2e-7 * (Double(s.k + 3) * Double(abs(alpha)) * magnitude + 2 * abs(Double(beta) * cij))
            }
        }
        return (exact, bound)
    }

    /// Optimized against the reference (bit for bit within one depth block, where both add the same products
    /// in the same order, except the few-row dot products) and against a Double evaluation, in every layout,
    /// with and without beta.
    @Test(arguments: shapes)
    func tileAgreesWithReference(shape: (Int, Int, Int)) {
        let s: Shape = (shape.0, shape.1, shape.2)
        let a = FloatTests.random(s.m * s.k, seed: 11), b = FloatTests.random(s.k * s.n, seed: 12)
        let c0 = FloatTests.random(s.m * s.n, seed: 13)
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                for (alpha, beta) in [(Float(1), Float(0)), (-0.75, 1.5)] {
                    let what = "\(s) tA \(transposeA) tB \(transposeB) beta \(beta)"
                    let reference = FloatMatrixMultiplyTests.multiply(
                        a, b, c0, s, transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta,
                        optimized: false)
                    let optimized = FloatMatrixMultiplyTests.multiply(
                        a, b, c0, s, transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta,
                        optimized: true)
                    // Fewer rows than a tile with only B transposed take dot products: to rounding only.
                    if s.k <= 256 && (s.m >= 6 || transposeA || !transposeB) {
                        #expect(optimized == reference, "\(what)")
                    }
                    let (exact, bound) = Self.bound(a, b, c0, s, transposeA: transposeA, transposeB: transposeB,
                                                    alpha: alpha, beta: beta)
                    FloatTests.expectClose(optimized, exact, tolerance: bound, what)
                }
            }
        }
    }

    /// Computes the product block by block (bands of rows or columns as `partition` cuts them, and a few
    /// arbitrary blocks): every block's elements equal the whole product's bit for bit, and nothing outside
    /// the block is written.
    @Test(arguments: shapes)
    func blocksEqualWholeProduct(shape: (Int, Int, Int)) {
        let s: Shape = (shape.0, shape.1, shape.2)
        let a = FloatTests.random(s.m * s.k, seed: 21), b = FloatTests.random(s.k * s.n, seed: 22)
        let c0 = FloatTests.random(s.m * s.n, seed: 23)
        var scratch = [Float](repeating: 0, count: MatrixMultiply.Optimized.scratchCount)
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                for (alpha, beta) in [(Float(1), Float(0)), (0.5, -2)] {
                    let whole = FloatMatrixMultiplyTests.multiply(
                        a, b, c0, s, transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta,
                        optimized: true)
                    var blocks: [(Range<Int>, Range<Int>)] = [
                        (0..<s.m, 0..<s.n), (s.m / 3..<s.m, 0..<s.n), (0..<s.m, s.n / 2..<s.n),
                        (s.m / 4..<(s.m + 1) / 2, s.n / 5..<s.n - s.n / 3),
                    ]
                    for parts in [2, 3] {
                        for index in 0..<parts {
                            blocks.append((MatrixMultiply.Optimized.partition(s.m, parts: parts, index: index,
                                                                              alongRows: true), 0..<s.n))
                            blocks.append((0..<s.m, MatrixMultiply.Optimized.partition(s.n, parts: parts, index: index,
                                                                                       alongRows: false)))
                        }
                    }
                    for (rows, columns) in blocks {
                        var c = c0
                        a.withUnsafeBufferPointer { a in
                            b.withUnsafeBufferPointer { b in
                                c.withUnsafeMutableBufferPointer { c in
                                    scratch.withUnsafeMutableBufferPointer { scratch in
                                        MatrixMultiply.Optimized.multiply(
                                            a, b, into: c, m: s.m, n: s.n, k: s.k, transposeA: transposeA,
                                            transposeB: transposeB, alpha: alpha, beta: beta, rows: rows,
                                            columns: columns, scratch: scratch)
                                    }
                                }
                            }
                        }
                        var mismatches = 0
                        for i in 0..<s.m {
                            for j in 0..<s.n {
                                let inside = rows.contains(i) && columns.contains(j)
                                let want = inside ? whole[i * s.n + j] : c0[i * s.n + j]
                                if c[i * s.n + j] != want { mismatches += 1 }
                            }
                        }
                        #expect(mismatches == 0, "\(s) tA \(transposeA) tB \(transposeB) beta \(beta) rows \(rows) columns \(columns)")
                    }
                }
            }
        }
    }

    /// `partition` cuts 0..<count into consecutive, disjoint ranges of whole tiles that cover it.
    @Test func partitionCoversInWholeTiles() {
        let tiling = MatrixMultiply.Optimized.tiling
        for alongRows in [false, true] {
            let tile = alongRows ? tiling.rows : tiling.columns
            for count in [0, 1, 5, 6, 7, 16, 17, 100, 1000] {
                for parts in 1...4 {
                    var next = 0
                    for index in 0..<parts {
                        let range = MatrixMultiply.Optimized.partition(count, parts: parts, index: index,
                                                                       alongRows: alongRows)
                        #expect(range.lowerBound == next, "count \(count) parts \(parts) index \(index)")
                        #expect(range.lowerBound % tile == 0 || range.isEmpty)
                        next = range.upperBound
                    }
                    #expect(next == count, "count \(count) parts \(parts)")
                }
            }
        }
    }
}
