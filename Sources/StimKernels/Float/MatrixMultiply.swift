/// C = alpha · op(A) · op(B) + beta · C for row-major float32 matrices, where op(X) is X or Xᵀ.
///
/// Layouts (all row-major, densely packed): op(A) is m × k, so A is stored m × k, or k × m when
/// `transposeA`; op(B) is k × n, so B is stored k × n, or n × k when `transposeB`; C is m × n.
/// As in BLAS, beta == 0 means C is only written, never read (NaN already in C does not leak through).
/// No fused multiply-add is written anywhere, so results do not depend on whether a device has FMA.
public enum MatrixMultiply {
    /// Plain loops: the definition the optimized kernel is checked against.
    public enum Reference {
        public static func multiply(
            _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, into c: UnsafeMutableBufferPointer<Float>,
            m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
            alpha: Float = 1, beta: Float = 0
        ) {
            checkShapes(a.count, b.count, c.count, m: m, n: n, k: k)
            for i in 0..<m {
                for j in 0..<n {
                    var sum: Float = 0
                    for p in 0..<k {
                        let aip = transposeA ? a[p * m + i] : a[i * k + p]
                        let bpj = transposeB ? b[j * k + p] : b[p * n + j]
                        sum += aip * bpj
                    }
                    c[i * n + j] = beta == 0 ? alpha * sum : alpha * sum + beta * c[i * n + j]
                }
            }
        }
    }

    /// Blocked as in GotoBLAS: a kc × nc block of op(B) and an mc × kc block of op(A) are packed into
    /// `scratch` as panels that a 6 × 8 SIMD8 micro-kernel streams through, so the inner loop reads
    /// contiguous memory whatever the transposes and the B panel stays in L1 while A's block stays in L2.
    public enum Optimized {
        static let rowsPerTile = 6
        static let columnsPerTile = 8
        static let depthBlock = 256
        static let rowBlock = 96
        static let columnBlock = 1024

        /// Floats the caller must pass as `scratch` (about 1.1 MiB, whatever the matrix sizes).
        public static let scratchCount = depthBlock * columnBlock + rowBlock * depthBlock

        public static func multiply(
            _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, into c: UnsafeMutableBufferPointer<Float>,
            m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
            alpha: Float = 1, beta: Float = 0, scratch: UnsafeMutableBufferPointer<Float>
        ) {
            checkShapes(a.count, b.count, c.count, m: m, n: n, k: k)
            precondition(scratch.count >= scratchCount, "scratch needs MatrixMultiply.Optimized.scratchCount floats")
            guard m > 0, n > 0 else { return }
            guard let cBase = c.baseAddress, let work = scratch.baseAddress else { return }
            if k == 0 {
                for index in 0..<(m * n) { cBase[index] = beta == 0 ? 0 : beta * cBase[index] }
                return
            }
            guard let aBase = a.baseAddress, let bBase = b.baseAddress else { return }
            if m < rowsPerTile {
                fewRows(aBase, bBase, cBase, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                        alpha: alpha, beta: beta)
                return
            }
            let packedB = work
            let packedA = work + depthBlock * columnBlock
            var jc = 0
            while jc < n {
                let nc = min(columnBlock, n - jc)
                var pc = 0
                while pc < k {
                    let kc = min(depthBlock, k - pc)
                    packB(bBase, into: packedB, n: n, k: k, row: pc, column: jc, rows: kc, columns: nc, transposed: transposeB)
                    // Later depth blocks add to what the first one wrote.
                    let blockBeta: Float = pc == 0 ? beta : 1
                    var ic = 0
                    while ic < m {
                        let mc = min(rowBlock, m - ic)
                        packA(aBase, into: packedA, m: m, k: k, row: ic, column: pc, rows: mc, columns: kc, transposed: transposeA)
                        var jr = 0
                        while jr < nc {
                            var ir = 0
                            while ir < mc {
                                microKernel(
                                    packedA + ir * kc, packedB + jr * kc, depth: kc,
                                    c: cBase + (ic + ir) * n + jc + jr, rowStride: n,
                                    rows: min(rowsPerTile, mc - ir), columns: min(columnsPerTile, nc - jr),
                                    alpha: alpha, beta: blockBeta)
                                ir += rowsPerTile
                            }
                            jr += columnsPerTile
                        }
                        ic += rowBlock
                    }
                    pc += depthBlock
                }
                jc += columnBlock
            }
        }

        /// Fewer rows than a tile (a batch of one through a dense layer, say): packing would cost as much as
        /// the product and most of each 6-row tile would be wasted, so each row of C is computed straight from
        /// A and B, eight columns at a time, adding the products in the order p = 0, 1, … as the reference does
        /// (results are the reference's bit for bit).
        static func fewRows(
            _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
            m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, alpha: Float, beta: Float
        ) {
            for i in 0..<m {
                let row = c + i * n
                var j = 0
                while j < n {
                    let columns = min(columnsPerTile, n - j)
                    var acc = SIMD8<Float>()
                    if !transposeB && columns == columnsPerTile {
                        var bp = UnsafeRawPointer(b + j)
                        for p in 0..<k {
                            acc += bp.loadUnaligned(as: SIMD8<Float>.self) * (transposeA ? a[p * m + i] : a[i * k + p])
                            bp += n * MemoryLayout<Float>.stride
                        }
                    } else if columns == columnsPerTile {
                        // Eight rows of the stored Bᵀ read side by side (lanes built in registers).
                        let r = b + j * k
                        for p in 0..<k {
                            let q = r + p
                            let bv = SIMD8<Float>(q[0], q[k], q[2 * k], q[3 * k], q[4 * k], q[5 * k], q[6 * k], q[7 * k])
                            acc += bv * (transposeA ? a[p * m + i] : a[i * k + p])
                        }
                    } else {
                        for p in 0..<k {
                            var bv = SIMD8<Float>()
                            for s in 0..<columns { bv[s] = transposeB ? b[(j + s) * k + p] : b[p * n + j + s] }
                            acc += bv * (transposeA ? a[p * m + i] : a[i * k + p])
                        }
                    }
                    if columns == columnsPerTile {
                        let raw = UnsafeMutableRawPointer(row + j)
                        let result = beta == 0
                            ? alpha * acc : alpha * acc + beta * UnsafeRawPointer(raw).loadUnaligned(as: SIMD8<Float>.self)
                        raw.storeBytes(of: result, as: SIMD8<Float>.self)
                    } else {
                        for s in 0..<columns {
                            row[j + s] = beta == 0 ? alpha * acc[s] : alpha * acc[s] + beta * row[j + s]
                        }
                    }
                    j += columnsPerTile
                }
            }
        }

        /// Copies op(A)[row..<row+rows, column..<column+columns] as panels of 6 rows: for each depth p the
        /// panel holds its 6 values side by side. Rows past the matrix are zero so every tile is full.
        @inline(__always)
        static func packA(
            _ a: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>, m: Int, k: Int,
            row: Int, column: Int, rows: Int, columns: Int, transposed: Bool
        ) {
            var out = packed
            var i0 = 0
            while i0 < rows {
                let valid = min(rowsPerTile, rows - i0)
                for p in 0..<columns {
                    for r in 0..<rowsPerTile {
                        if r < valid {
                            let i = row + i0 + r, q = column + p
                            out[r] = transposed ? a[q * m + i] : a[i * k + q]
                        } else {
                            out[r] = 0
                        }
                    }
                    out += rowsPerTile
                }
                i0 += rowsPerTile
            }
        }

        /// Copies op(B)[row..<row+rows, column..<column+columns] as panels of 8 columns: for each depth p
        /// the panel holds its 8 values side by side. Columns past the matrix are zero.
        @inline(__always)
        static func packB(
            _ b: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>, n: Int, k: Int,
            row: Int, column: Int, rows: Int, columns: Int, transposed: Bool
        ) {
            var out = packed
            var j0 = 0
            while j0 < columns {
                let valid = min(columnsPerTile, columns - j0)
                for p in 0..<rows {
                    let q = row + p
                    if !transposed && valid == columnsPerTile {
                        UnsafeMutableRawPointer(out).storeBytes(
                            of: UnsafeRawPointer(b + q * n + column + j0).loadUnaligned(as: SIMD8<Float>.self),
                            as: SIMD8<Float>.self)
                    } else {
                        for s in 0..<columnsPerTile {
                            let j = column + j0 + s
                            out[s] = s < valid ? (transposed ? b[j * k + q] : b[q * n + j]) : 0
                        }
                    }
                    out += columnsPerTile
                }
                j0 += columnsPerTile
            }
        }

        /// One 6 × 8 tile of C from a packed A panel and a packed B panel; only `rows` × `columns` of it
        /// are stored, for the tiles at the matrix edges.
        @inline(__always)
        static func microKernel(
            _ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, depth: Int,
            c: UnsafeMutablePointer<Float>, rowStride: Int, rows: Int, columns: Int, alpha: Float, beta: Float
        ) {
            var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>()
            var c3 = SIMD8<Float>(), c4 = SIMD8<Float>(), c5 = SIMD8<Float>()
            var ap = UnsafePointer(a)
            var bp = UnsafeRawPointer(b)
            for _ in 0..<depth {
                let bv = bp.loadUnaligned(as: SIMD8<Float>.self)
                c0 += bv * ap[0]
                c1 += bv * ap[1]
                c2 += bv * ap[2]
                c3 += bv * ap[3]
                c4 += bv * ap[4]
                c5 += bv * ap[5]
                ap += rowsPerTile
                bp += columnsPerTile * MemoryLayout<Float>.stride
            }
            let tile = (c0, c1, c2, c3, c4, c5)
            for r in 0..<rows {
                let acc: SIMD8<Float>
                switch r {
                case 0: acc = tile.0
                case 1: acc = tile.1
                case 2: acc = tile.2
                case 3: acc = tile.3
                case 4: acc = tile.4
                default: acc = tile.5
                }
                let row = c + r * rowStride
                if columns == columnsPerTile {
                    let raw = UnsafeMutableRawPointer(row)
                    let result = beta == 0
                        ? alpha * acc : alpha * acc + beta * UnsafeRawPointer(raw).loadUnaligned(as: SIMD8<Float>.self)
                    raw.storeBytes(of: result, as: SIMD8<Float>.self)
                } else {
                    for s in 0..<columns {
                        row[s] = beta == 0 ? alpha * acc[s] : alpha * acc[s] + beta * row[s]
                    }
                }
            }
        }
    }

    static func checkShapes(_ aCount: Int, _ bCount: Int, _ cCount: Int, m: Int, n: Int, k: Int) {
        precondition(m >= 0 && n >= 0 && k >= 0, "matrix sizes must not be negative")
        precondition(aCount >= m * k, "A holds fewer than m·k floats")
        precondition(bCount >= k * n, "B holds fewer than k·n floats")
        precondition(cCount >= m * n, "C holds fewer than m·n floats")
    }
}
