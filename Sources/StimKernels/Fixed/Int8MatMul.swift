/// int8 × int8 → int32 matrix product with zero points (the core of dense and, after im2col, conv layers):
///
///     output[i, j] = Σₖ (a[i, k] − aZeroPoint) · (b[j, k] − bZeroPoint)
///
/// `a` is [rows, depth] and `b` is [columns, depth], both row-major, so both are read along depth (dense
/// weights [out, in] are `a` or `b` as they are stored). `output` is [rows, columns] row-major. Sums wrap
/// in two's complement; with zero points in int8 range they cannot for depth ≤ 33,025 (2³¹ / 255²).
public enum Int8MatMul {
    public static func reference(
        a: UnsafeBufferPointer<Int8>, aZeroPoint: Int32, b: UnsafeBufferPointer<Int8>, bZeroPoint: Int32,
        rows: Int, columns: Int, depth: Int, output: UnsafeMutableBufferPointer<Int32>
    ) {
        checkShapes(a: a, b: b, rows: rows, columns: columns, depth: depth, output: output)
        for i in 0..<rows {
            for j in 0..<columns {
                var sum: Int32 = 0
                for k in 0..<depth {
                    sum &+= (Int32(a[i * depth + k]) - aZeroPoint) &* (Int32(b[j * depth + k]) - bZeroPoint)
                }
                output[i * columns + j] = sum
            }
        }
    }

    /// Same result bit for bit: 16 depth lanes at a time, four columns of `b` per row of `a` so each
    /// widened `a` vector is reused four times.
    public static func optimized(
        a: UnsafeBufferPointer<Int8>, aZeroPoint: Int32, b: UnsafeBufferPointer<Int8>, bZeroPoint: Int32,
        rows: Int, columns: Int, depth: Int, output: UnsafeMutableBufferPointer<Int32>
    ) {
        checkShapes(a: a, b: b, rows: rows, columns: columns, depth: depth, output: output)
        guard rows > 0, columns > 0 else { return }
        guard depth > 0, let aBase = a.baseAddress, let bBase = b.baseAddress else {
            output.update(repeating: 0)
            return
        }
        let za = SIMD16<Int32>(repeating: aZeroPoint), zb = SIMD16<Int32>(repeating: bZeroPoint)
        let vectorDepth = depth & ~15
        @inline(__always) func lanes(_ p: UnsafePointer<Int8>, _ k: Int, _ zero: SIMD16<Int32>) -> SIMD16<Int32> {
            SIMD16<Int32>(truncatingIfNeeded: UnsafeRawPointer(p + k).loadUnaligned(as: SIMD16<Int8>.self)) &- zero
        }
        @inline(__always) func tail(_ aRow: UnsafePointer<Int8>, _ bRow: UnsafePointer<Int8>) -> Int32 {
            var sum: Int32 = 0
            for k in vectorDepth..<depth {
                sum &+= (Int32(aRow[k]) - aZeroPoint) &* (Int32(bRow[k]) - bZeroPoint)
            }
            return sum
        }
        for i in 0..<rows {
            let aRow = aBase + i * depth
            var j = 0
            while j + 4 <= columns {
                let b0 = bBase + j * depth, b1 = b0 + depth, b2 = b1 + depth, b3 = b2 + depth
                var s0 = SIMD16<Int32>(), s1 = SIMD16<Int32>(), s2 = SIMD16<Int32>(), s3 = SIMD16<Int32>()
                var k = 0
                while k < vectorDepth {
                    let av = lanes(aRow, k, za)
                    s0 &+= av &* lanes(b0, k, zb)
                    s1 &+= av &* lanes(b1, k, zb)
                    s2 &+= av &* lanes(b2, k, zb)
                    s3 &+= av &* lanes(b3, k, zb)
                    k += 16
                }
                let out = i * columns + j
                output[out] = s0.wrappedSum() &+ tail(aRow, b0)
                output[out + 1] = s1.wrappedSum() &+ tail(aRow, b1)
                output[out + 2] = s2.wrappedSum() &+ tail(aRow, b2)
                output[out + 3] = s3.wrappedSum() &+ tail(aRow, b3)
                j += 4
            }
            while j < columns {
                let bRow = bBase + j * depth
                var s = SIMD16<Int32>()
                var k = 0
                while k < vectorDepth {
                    s &+= lanes(aRow, k, za) &* lanes(bRow, k, zb)
                    k += 16
                }
                output[i * columns + j] = s.wrappedSum() &+ tail(aRow, bRow)
                j += 1
            }
        }
    }

    private static func checkShapes(
        a: UnsafeBufferPointer<Int8>, b: UnsafeBufferPointer<Int8>, rows: Int, columns: Int, depth: Int,
        output: UnsafeMutableBufferPointer<Int32>
    ) {
        precondition(rows >= 0 && columns >= 0 && depth >= 0, "Int8MatMul: negative dimension")
        precondition(a.count == rows * depth && b.count == columns * depth && output.count == rows * columns,
                     "Int8MatMul: buffer sizes do not match [rows, depth] · [columns, depth]ᵀ")
    }
}
