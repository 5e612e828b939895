/// Element-wise arithmetic on float32 buffers of equal length. Output may alias an input.
public enum Elementwise {
    /// Plain loops: the definition the SIMD versions are checked against.
    public enum Reference {
        /// out[i] = x[i] + y[i]
        public static func add(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                               into out: UnsafeMutableBufferPointer<Float>) {
            checkCounts(x.count, y.count, out.count)
            for i in 0..<out.count { out[i] = x[i] + y[i] }
        }

        /// out[i] = x[i] · y[i]
        public static func multiply(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                                    into out: UnsafeMutableBufferPointer<Float>) {
            checkCounts(x.count, y.count, out.count)
            for i in 0..<out.count { out[i] = x[i] * y[i] }
        }

        /// y[i] += alpha · x[i]
        public static func axpy(_ alpha: Float, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>) {
            checkCounts(x.count, y.count, y.count)
            for i in 0..<y.count { y[i] += alpha * x[i] }
        }

        /// x[i] *= alpha
        public static func scale(_ alpha: Float, _ x: UnsafeMutableBufferPointer<Float>) {
            for i in 0..<x.count { x[i] *= alpha }
        }
    }

    /// Eight lanes at a time (two SSE or one AVX register, two NEON registers), then a scalar tail;
    /// the same operation per element as Reference, so the results are identical.
    public enum Optimized {
        public static func add(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                               into out: UnsafeMutableBufferPointer<Float>) {
            checkCounts(x.count, y.count, out.count)
            lanes(x, y, out) { $0 + $1 } scalar: { $0 + $1 }
        }

        public static func multiply(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                                    into out: UnsafeMutableBufferPointer<Float>) {
            checkCounts(x.count, y.count, out.count)
            lanes(x, y, out) { $0 * $1 } scalar: { $0 * $1 }
        }

        public static func axpy(_ alpha: Float, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>) {
            checkCounts(x.count, y.count, y.count)
            lanes(x, UnsafeBufferPointer(y), y) { $1 + alpha * $0 } scalar: { $1 + alpha * $0 }
        }

        public static func scale(_ alpha: Float, _ x: UnsafeMutableBufferPointer<Float>) {
            lanes(UnsafeBufferPointer(x), UnsafeBufferPointer(x), x) { v, _ in v * alpha } scalar: { v, _ in v * alpha }
        }

        @inline(__always)
        static func lanes(
            _ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>, _ out: UnsafeMutableBufferPointer<Float>,
            _ vector: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>, scalar: (Float, Float) -> Float
        ) {
            guard let xp = x.baseAddress, let yp = y.baseAddress, let op = out.baseAddress else { return }
            let count = out.count
            var i = 0
            while i + 8 <= count {
                let v = vector(UnsafeRawPointer(xp + i).loadUnaligned(as: SIMD8<Float>.self),
                               UnsafeRawPointer(yp + i).loadUnaligned(as: SIMD8<Float>.self))
                UnsafeMutableRawPointer(op + i).storeBytes(of: v, as: SIMD8<Float>.self)
                i += 8
            }
            while i < count {
                op[i] = scalar(xp[i], yp[i])
                i += 1
            }
        }
    }

    static func checkCounts(_ x: Int, _ y: Int, _ out: Int) {
        precondition(x == out && y == out, "operands must have the same length")
    }
}
