/// Reductions of a float32 buffer to one number.
public enum Reduction {
    /// Plain left-to-right loops: the definition the SIMD versions are checked against.
    public enum Reference {
        public static func sum(_ x: UnsafeBufferPointer<Float>) -> Float {
            var s: Float = 0
            for v in x { s += v }
            return s
        }

        public static func sumOfSquares(_ x: UnsafeBufferPointer<Float>) -> Float {
            var s: Float = 0
            for v in x { s += v * v }
            return s
        }
    }

    /// Eight running sums, one per lane, added together at the end: a different order than Reference,
    /// and a more accurate one (each lane sums an eighth of the terms), so they agree within rounding.
    public enum Optimized {
        public static func sum(_ x: UnsafeBufferPointer<Float>) -> Float {
            lanes(x) { $0 } scalar: { $0 }
        }

        public static func sumOfSquares(_ x: UnsafeBufferPointer<Float>) -> Float {
            lanes(x) { $0 * $0 } scalar: { $0 * $0 }
        }

        @inline(__always)
        static func lanes(_ x: UnsafeBufferPointer<Float>, _ vector: (SIMD8<Float>) -> SIMD8<Float>,
                          scalar: (Float) -> Float) -> Float {
            guard let p = x.baseAddress else { return 0 }
            var acc = SIMD8<Float>()
            var i = 0
            while i + 8 <= x.count {
                acc += vector(UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self))
                i += 8
            }
            var s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
            while i < x.count {
                s += scalar(p[i])
                i += 1
            }
            return s
        }
    }

    /// Arithmetic mean by the optimized sum; 0/0 = NaN for an empty buffer.
    public static func mean(_ x: UnsafeBufferPointer<Float>) -> Float {
        Optimized.sum(x) / Float(x.count)
    }

    /// The largest element; NaN if any element is NaN, −∞ for an empty buffer.
    public static func max(_ x: UnsafeBufferPointer<Float>) -> Float {
        guard let index = argmax(x) else { return -.infinity }
        return x[index]
    }

    /// Index of the first largest element, or of the first NaN if there is one; nil for an empty buffer.
    public static func argmax(_ x: UnsafeBufferPointer<Float>) -> Int? {
        guard !x.isEmpty else { return nil }
        var best = 0
        for i in 0..<x.count {
            if x[i].isNaN { return i }
            if x[i] > x[best] { best = i }
        }
        return best
    }
}
