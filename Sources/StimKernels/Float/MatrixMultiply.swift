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
    /// `scratch` as panels that a 6 × 8 register-tile micro-kernel streams through, so the inner loop reads
    /// contiguous memory whatever the transposes and the B panel stays in L1 while A's block stays in L2.
    ///
    /// The tile is 6 × 8 (SIMD8: twelve 128-bit accumulators, as many as SSE and NEON hold without spilling).
    /// Where the processor has 256-bit vectors, a 6 × 16 tile can be installed (`wideTile`): Swift can neither
    /// see the target CPU's features at compile time nor compile a function for other features than the
    /// build's, so that tile is C, chosen when the program runs.
    ///
    /// `rows:` and `columns:` restrict the product to a block of C (the rest of C is not touched), so callers
    /// with threads can split one product among them, each with its own scratch (StimLearn's ParallelMultiply).
    public enum Optimized {
        typealias Lanes = SIMD8<Float>
        static let columnsPerTile = 8
        static let rowsPerTile = 6
        static let depthBlock = 256
        static let rowBlock = 144
        static let columnBlock = 1024

        /// A 6 × 16 tile on wider vectors than this build's, installed by a module that can ask the processor
        /// about its features (StimLearn's `ProcessorKernels` installs CStimVector's AVX tile on x86-64 processors
        /// with AVX; this module imports nothing and cannot). Arguments: the packed A panel, the first of two
        /// neighbouring packed B panels of 8 columns, depth, C's tile, C's row stride, rows and columns to
        /// store, alpha, beta. It must compute exactly what two 6 × 8 tiles compute (the same sums in the same
        /// order, no fused multiply-add), so installing it changes speed, not results.
        public typealias WideTile = @convention(c) (
            UnsafePointer<Float>?, UnsafePointer<Float>?, Int, UnsafeMutablePointer<Float>?, Int, Int, Int, Float, Float
        ) -> Void

        nonisolated(unsafe) public static var wideTile: WideTile?

        /// The register tile (rows × columns of C) and the depth, row and column blocks this build uses,
        /// for benchmark reports.
        public static var tiling: (rows: Int, columns: Int, depth: Int, rowBlock: Int, columnBlock: Int) {
            (rowsPerTile, columnsPerTile, depthBlock, rowBlock, columnBlock)
        }

        /// Floats the caller must pass as `scratch` (about 1.1 MiB, whatever the matrix sizes).
        public static let scratchCount = depthBlock * columnBlock + rowBlock * depthBlock

        /// The rows (or columns) of C one of `parts` callers should compute so that the parts are whole tiles
        /// and differ by at most one tile: part `index` of 0..<parts, over `count` rows when `alongRows`.
        public static func partition(_ count: Int, parts: Int, index: Int, alongRows: Bool) -> Range<Int> {
            precondition(parts > 0 && index >= 0 && index < parts, "partition index out of range")
            let tile = alongRows ? rowsPerTile : columnsPerTile
            let tiles = (count + tile - 1) / tile
            let start = (tiles * index / parts) * tile, end = (tiles * (index + 1) / parts) * tile
            return min(start, count)..<min(end, count)
        }

        public static func multiply(
            _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, into c: UnsafeMutableBufferPointer<Float>,
            m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
            alpha: Float = 1, beta: Float = 0, scratch: UnsafeMutableBufferPointer<Float>
        ) {
            multiply(a, b, into: c, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                     alpha: alpha, beta: beta, rows: 0..<max(m, 0), columns: 0..<max(n, 0), scratch: scratch)
        }

        /// Only C[rows, columns] (half-open ranges within 0..<m and 0..<n) of the product; the rest of C is
        /// neither read nor written. Each element is computed exactly as the whole product computes it (the
        /// same tiles, depth blocks and order of additions), so splitting a product does not change its result.
        public static func multiply(
            _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, into c: UnsafeMutableBufferPointer<Float>,
            m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
            alpha: Float = 1, beta: Float = 0, rows: Range<Int>, columns: Range<Int>,
            scratch: UnsafeMutableBufferPointer<Float>
        ) {
            checkShapes(a.count, b.count, c.count, m: m, n: n, k: k)
            precondition(scratch.count >= scratchCount, "scratch needs MatrixMultiply.Optimized.scratchCount floats")
            precondition(rows.lowerBound >= 0 && rows.upperBound <= m, "rows must lie within 0..<m")
            precondition(columns.lowerBound >= 0 && columns.upperBound <= n, "columns must lie within 0..<n")
            guard !rows.isEmpty, !columns.isEmpty else { return }
            guard let cBase = c.baseAddress, let work = scratch.baseAddress else { return }
            if k == 0 {
                for i in rows {
                    for j in columns { cBase[i * n + j] = beta == 0 ? 0 : beta * cBase[i * n + j] }
                }
                return
            }
            guard let aBase = a.baseAddress, let bBase = b.baseAddress else { return }
            if k == 1 {
                outerProduct(aBase, bBase, cBase, n: n, rows: rows, columns: columns, alpha: alpha, beta: beta)
                return
            }
            if m < rowsPerTile && transposeB && !transposeA {
                fewRowsByDots(aBase, bBase, cBase, n: n, k: k, rows: rows, columns: columns, alpha: alpha, beta: beta)
                return
            }
            if m < rowsPerTile {
                fewRows(aBase, bBase, cBase, m: m, n: n, k: k, rows: rows, columns: columns,
                        transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta)
                return
            }
            let packedB = work
            let packedA = work + depthBlock * columnBlock
            let wideTile = Self.wideTile
            var jc = columns.lowerBound
            while jc < columns.upperBound {
                let nc = min(columnBlock, columns.upperBound - jc)
                var pc = 0
                while pc < k {
                    let kc = min(depthBlock, k - pc)
                    packB(bBase, into: packedB, n: n, k: k, row: pc, column: jc, rows: kc, columns: nc, transposed: transposeB)
                    // Later depth blocks add to what the first one wrote.
                    let blockBeta: Float = pc == 0 ? beta : 1
                    var ic = rows.lowerBound
                    while ic < rows.upperBound {
                        let mc = min(rowBlock, rows.upperBound - ic)
                        packA(aBase, into: packedA, m: m, k: k, row: ic, column: pc, rows: mc, columns: kc, transposed: transposeA)
                        var jr = 0
                        while jr < nc {
                            // Two panels at a time where a wide tile is installed and a second panel exists.
                            let wide = nc - jr > columnsPerTile ? wideTile : nil
                            let tileColumns = min(wide == nil ? columnsPerTile : 2 * columnsPerTile, nc - jr)
                            var ir = 0
                            while ir < mc {
                                let (tileA, tileB) = (packedA + ir * kc, packedB + jr * kc)
                                let (tileC, tileRows) = (cBase + (ic + ir) * n + jc + jr, min(rowsPerTile, mc - ir))
                                if let wide {
                                    wide(tileA, tileB, kc, tileC, n, tileRows, tileColumns, alpha, blockBeta)
                                } else {
                                    tile(tileA, tileB, depth: kc, c: tileC, rowStride: n, rows: tileRows,
                                         columns: tileColumns, alpha: alpha, beta: blockBeta)
                                }
                                ir += rowsPerTile
                            }
                            jr += tileColumns
                        }
                        ic += rowBlock
                    }
                    pc += depthBlock
                }
                jc += columnBlock
            }
        }

        /// Fewer rows than a tile (a dense layer's input gradient at batch 1, say): packing would cost as much as
        /// the product and most of each 6-row tile would be wasted, so each row of C is computed straight from
        /// A and B, eight columns at a time, adding the products in the order p = 0, 1, … as the reference does
        /// (results are the reference's bit for bit).
        static func fewRows(
            _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
            m: Int, n: Int, k: Int, rows: Range<Int>, columns: Range<Int>,
            transposeA: Bool, transposeB: Bool, alpha: Float, beta: Float
        ) {
            let width = 8
            for i in rows {
                let row = c + i * n
                var j = columns.lowerBound
                while j < columns.upperBound {
                    let count = min(width, columns.upperBound - j)
                    var acc = SIMD8<Float>()
                    if !transposeB && count == width {
                        var bp = UnsafeRawPointer(b + j)
                        for p in 0..<k {
                            acc += bp.loadUnaligned(as: SIMD8<Float>.self) * (transposeA ? a[p * m + i] : a[i * k + p])
                            bp += n * MemoryLayout<Float>.stride
                        }
                    } else if count == width {
                        // Eight rows of the stored Bᵀ read side by side (lanes built in registers): with A stored
                        // transposed too, neither is contiguous over the depth.
                        let r = b + j * k
                        for p in 0..<k {
                            let q = r + p
                            let bv = SIMD8<Float>(q[0], q[k], q[2 * k], q[3 * k], q[4 * k], q[5 * k], q[6 * k], q[7 * k])
                            acc += bv * (transposeA ? a[p * m + i] : a[i * k + p])
                        }
                    } else {
                        for p in 0..<k {
                            var bv = SIMD8<Float>()
                            for s in 0..<count { bv[s] = transposeB ? b[(j + s) * k + p] : b[p * n + j + s] }
                            acc += bv * (transposeA ? a[p * m + i] : a[i * k + p])
                        }
                    }
                    if count == width {
                        let raw = UnsafeMutableRawPointer(row + j)
                        let result = beta == 0
                            ? alpha * acc : alpha * acc + beta * UnsafeRawPointer(raw).loadUnaligned(as: SIMD8<Float>.self)
                        raw.storeBytes(of: result, as: SIMD8<Float>.self)
                    } else {
                        for s in 0..<count {
                            row[j + s] = beta == 0 ? alpha * acc[s] : alpha * acc[s] + beta * row[j + s]
                        }
                    }
                    j += width
                }
            }
        }

        /// Depth one (a dense layer's weight gradient at batch 1): C = alpha·a·bᵀ + beta·C with a and b
        /// contiguous whatever the transposes, so there is nothing to pack. Each element is alpha·(a·b), the
        /// reference's single product, bit for bit.
        static func outerProduct(
            _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
            n: Int, rows: Range<Int>, columns: Range<Int>, alpha: Float, beta: Float
        ) {
            let width = Lanes.scalarCount
            for i in rows {
                let ai = a[i]
                let row = c + i * n
                var j = columns.lowerBound
                while j + width <= columns.upperBound {
                    let product = alpha * (UnsafeRawPointer(b + j).loadUnaligned(as: Lanes.self) * ai)
                    let raw = UnsafeMutableRawPointer(row + j)
                    let result = beta == 0
                        ? product : product + beta * UnsafeRawPointer(raw).loadUnaligned(as: Lanes.self)
                    raw.storeBytes(of: result, as: Lanes.self)
                    j += width
                }
                while j < columns.upperBound {
                    let product = alpha * (ai * b[j])
                    row[j] = beta == 0 ? product : product + beta * row[j]
                    j += 1
                }
            }
        }

        /// Fewer rows than a tile with B stored transposed (a dense layer's forward pass at batch 1: y = W x):
        /// a row of A and a row of the stored Bᵀ are both contiguous over the depth, so each element of C is a
        /// dot product eight depths at a time, four columns sharing each load of A. The lanes' partial sums are
        /// added in a fixed order, so an element does not depend on the block it is computed in, but the order
        /// differs from the reference's p = 0, 1, …: results agree with it to rounding, not bit for bit.
        static func fewRowsByDots(
            _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
            n: Int, k: Int, rows: Range<Int>, columns: Range<Int>, alpha: Float, beta: Float
        ) {
            typealias Eight = SIMD8<Float>
            let depth = k - k % 8
            @inline(__always) func load(_ p: UnsafePointer<Float>) -> Eight { UnsafeRawPointer(p).loadUnaligned(as: Eight.self) }
            @inline(__always) func total(_ s: Eight) -> Float {
                let quarter = s.lowHalf + s.highHalf, half = quarter.lowHalf + quarter.highHalf
                return half[0] + half[1]
            }
            @inline(__always) func store(_ dot: Float, _ target: UnsafeMutablePointer<Float>) {
                target.pointee = beta == 0 ? alpha * dot : alpha * dot + beta * target.pointee
            }
            for i in rows {
                let ai = a + i * k, row = c + i * n
                var j = columns.lowerBound
                while j + 4 <= columns.upperBound {
                    let b0 = b + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k
                    var s0 = Eight(), s1 = Eight(), s2 = Eight(), s3 = Eight()
                    var p = 0
                    while p < depth {
                        let av = load(ai + p)
                        s0 += av * load(b0 + p)
                        s1 += av * load(b1 + p)
                        s2 += av * load(b2 + p)
                        s3 += av * load(b3 + p)
                        p += 8
                    }
                    var d0 = total(s0), d1 = total(s1), d2 = total(s2), d3 = total(s3)
                    while p < k {
                        d0 += ai[p] * b0[p]
                        d1 += ai[p] * b1[p]
                        d2 += ai[p] * b2[p]
                        d3 += ai[p] * b3[p]
                        p += 1
                    }
                    store(d0, row + j)
                    store(d1, row + j + 1)
                    store(d2, row + j + 2)
                    store(d3, row + j + 3)
                    j += 4
                }
                while j < columns.upperBound {
                    let bj = b + j * k
                    var s = Eight()
                    var p = 0
                    while p < depth {
                        s += load(ai + p) * load(bj + p)
                        p += 8
                    }
                    var d = total(s)
                    while p < k {
                        d += ai[p] * bj[p]
                        p += 1
                    }
                    store(d, row + j)
                    j += 1
                }
            }
        }

        /// Copies op(A)[row..<row+rows, column..<column+columns] as panels of 6 rows: for each depth p the
        /// panel holds its 6 values side by side. Rows past the block are zero so every tile is full.
        @inline(__always)
        static func packA(
            _ a: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>, m: Int, k: Int,
            row: Int, column: Int, rows: Int, columns: Int, transposed: Bool
        ) {
            var out = packed
            var i0 = 0
            while i0 < rows {
                let valid = min(rowsPerTile, rows - i0)
                if valid == rowsPerTile && !transposed {
                    // Six rows of A read side by side, each contiguous.
                    let r0 = a + (row + i0) * k + column
                    for p in 0..<columns {
                        out[0] = r0[p]
                        out[1] = r0[k + p]
                        out[2] = r0[2 * k + p]
                        out[3] = r0[3 * k + p]
                        out[4] = r0[4 * k + p]
                        out[5] = r0[5 * k + p]
                        out += rowsPerTile
                    }
                } else if valid == rowsPerTile {
                    // Stored Aᵀ: the 6 values of one depth are contiguous.
                    for p in 0..<columns {
                        let q = a + (column + p) * m + row + i0
                        out[0] = q[0]
                        out[1] = q[1]
                        out[2] = q[2]
                        out[3] = q[3]
                        out[4] = q[4]
                        out[5] = q[5]
                        out += rowsPerTile
                    }
                } else {
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
                }
                i0 += rowsPerTile
            }
        }

        /// Copies op(B)[row..<row+rows, column..<column+columns] as panels of 8 columns: for each depth p
        /// the panel holds its 8 values side by side. Columns past the block are zero.
        @inline(__always)
        static func packB(
            _ b: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>, n: Int, k: Int,
            row: Int, column: Int, rows: Int, columns: Int, transposed: Bool
        ) {
            var out = packed
            var j0 = 0
            while j0 < columns {
                let valid = min(columnsPerTile, columns - j0)
                if !transposed && valid == columnsPerTile {
                    var source = UnsafeRawPointer(b + row * n + column + j0)
                    for _ in 0..<rows {
                        UnsafeMutableRawPointer(out).storeBytes(of: source.loadUnaligned(as: Lanes.self), as: Lanes.self)
                        source += n * MemoryLayout<Float>.stride
                        out += columnsPerTile
                    }
                } else if valid == columnsPerTile {
                    // Stored Bᵀ: W rows of it, each contiguous over the depth, interleaved.
                    let first = b + (column + j0) * k + row
                    for p in 0..<rows {
                        for s in 0..<columnsPerTile { out[s] = first[s * k + p] }
                        out += columnsPerTile
                    }
                } else {
                    for p in 0..<rows {
                        let q = row + p
                        for s in 0..<columnsPerTile {
                            let j = column + j0 + s
                            out[s] = s < valid ? (transposed ? b[j * k + q] : b[q * n + j]) : 0
                        }
                        out += columnsPerTile
                    }
                }
                j0 += columnsPerTile
            }
        }

        /// One 6 × 8 tile of C from a packed A panel and a packed B panel; only `rows` × `columns` of it
        /// are stored, for the tiles at the block edges. Inlined: with 128-bit vectors (12 of 16 registers
        /// hold accumulators) LLVM's unrolling pays.
        @inline(__always)
        static func tile(
            _ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, depth: Int,
            c: UnsafeMutablePointer<Float>, rowStride: Int, rows: Int, columns: Int, alpha: Float, beta: Float
        ) {
            var tile = (Lanes(), Lanes(), Lanes(), Lanes(), Lanes(), Lanes())
            var ap = UnsafePointer(a)
            var bp = UnsafeRawPointer(b)
            for _ in 0..<depth {
                MatrixMultiply.accumulate(&tile, bp.loadUnaligned(as: Lanes.self), ap)
                ap += rowsPerTile
                bp += columnsPerTile * MemoryLayout<Float>.stride
            }
            for r in 0..<rows {
                let acc = MatrixMultiply.row(tile, r)
                let row = c + r * rowStride
                if columns == columnsPerTile {
                    let raw = UnsafeMutableRawPointer(row)
                    let result = beta == 0
                        ? alpha * acc : alpha * acc + beta * UnsafeRawPointer(raw).loadUnaligned(as: Lanes.self)
                    raw.storeBytes(of: result, as: Lanes.self)
                } else {
                    for s in 0..<columns {
                        row[s] = beta == 0 ? alpha * acc[s] : alpha * acc[s] + beta * row[s]
                    }
                }
            }
        }
    }

    /// One depth step of a 6-row register tile: row r += b · a[r], a product then a sum (no fused multiply-add).
    @inline(__always)
    static func accumulate<Lanes: SIMD>(_ tile: inout (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes), _ b: Lanes,
                                        _ a: UnsafePointer<Lanes.Scalar>) where Lanes.Scalar: FloatingPoint {
        tile.0 += b * a[0]
        tile.1 += b * a[1]
        tile.2 += b * a[2]
        tile.3 += b * a[3]
        tile.4 += b * a[4]
        tile.5 += b * a[5]
    }

    /// Row r (0..<6) of a 6-row register tile held as a tuple (an array would live in memory).
    @inline(__always)
    static func row<Lanes: SIMD>(_ tile: (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes), _ r: Int) -> Lanes {
        switch r {
        case 0: tile.0
        case 1: tile.1
        case 2: tile.2
        case 3: tile.3
        case 4: tile.4
        default: tile.5
        }
    }

    static func checkShapes(_ aCount: Int, _ bCount: Int, _ cCount: Int, m: Int, n: Int, k: Int) {
        precondition(m >= 0 && n >= 0 && k >= 0, "matrix sizes must not be negative")
        precondition(aCount >= m * k, "A holds fewer than m·k floats")
        precondition(bCount >= k * n, "B holds fewer than k·n floats")
        precondition(cCount >= m * n, "C holds fewer than m·n floats")
    }
}
