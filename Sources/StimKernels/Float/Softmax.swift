/// Softmax and log-softmax over each row of a rows × columns row-major matrix (one row per example,
/// one column per class). Both subtract the row's maximum first, so no exponential overflows and the
/// largest term is exactly e⁰ = 1, which keeps the normalizer ≥ 1 and its logarithm well conditioned.
/// Output may alias the input.
public enum Softmax {
    public static func softmax(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>,
                               rows: Int, columns: Int) {
        checkShape(x.count, out.count, rows: rows, columns: columns)
        for r in 0..<rows {
            let row = r * columns
            let top = rowMax(x, row, columns)
            var total: Float = 0
            for j in 0..<columns {
                let e = FloatMath.exp(x[row + j] - top)
                out[row + j] = e
                total += e
            }
            let inverse = 1 / total
            for j in 0..<columns { out[row + j] *= inverse }
        }
    }

    /// log softmax(x) = x − max − ln Σ e^(x − max), accurate even where softmax itself underflows to 0.
    public static func logSoftmax(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>,
                                  rows: Int, columns: Int) {
        checkShape(x.count, out.count, rows: rows, columns: columns)
        for r in 0..<rows {
            let row = r * columns
            let top = rowMax(x, row, columns)
            var total: Float = 0
            for j in 0..<columns { total += FloatMath.exp(x[row + j] - top) }
            let logTotal = Float(naturalLog(Double(total)))
            for j in 0..<columns { out[row + j] = (x[row + j] - top) - logTotal }
        }
    }

    /// The row's maximum; NaN if the row holds one, so a poisoned row comes out all NaN, not plausible.
    @inline(__always)
    static func rowMax(_ x: UnsafeBufferPointer<Float>, _ start: Int, _ count: Int) -> Float {
        Reduction.max(UnsafeBufferPointer(rebasing: x[start..<(start + count)]))
    }

    static func checkShape(_ inCount: Int, _ outCount: Int, rows: Int, columns: Int) {
        precondition(rows >= 0 && columns > 0, "softmax needs at least one column")
        precondition(inCount == rows * columns && outCount == rows * columns, "softmax buffers must hold rows · columns")
    }
}
