/// The class with the highest score in each row of int8 or int16 scores [rows, classes]; the first one
/// on ties. Any monotone quantization keeps the order, so this is the float argmax. Inlinable so that
/// callers in other modules get it specialized to Int8 or Int16.
public enum IntegerArgmax {
    @inlinable
    public static func reference<T: FixedWidthInteger & SignedInteger>(
        _ scores: UnsafeBufferPointer<T>, classes: Int, into output: UnsafeMutableBufferPointer<Int>
    ) {
        check(scores.count, classes, output.count)
        for row in 0..<output.count {
            var best = 0
            for c in 1..<classes where scores[row * classes + c] > scores[row * classes + best] { best = c }
            output[row] = best
        }
    }

    /// Same result: the row maximum 16 lanes at a time, then the first position that holds it. One
    /// overload per type, as `IntegerReLU.optimized`.
    @inlinable
    public static func optimized(_ scores: UnsafeBufferPointer<Int8>, classes: Int, into output: UnsafeMutableBufferPointer<Int>) {
        firstMaxima(scores, classes, output) { lanes, v in lanes.replace(with: v, where: v .> lanes) }
    }

    @inlinable
    public static func optimized(_ scores: UnsafeBufferPointer<Int16>, classes: Int, into output: UnsafeMutableBufferPointer<Int>) {
        firstMaxima(scores, classes, output) { lanes, v in lanes.replace(with: v, where: v .> lanes) }
    }

    /// Per row: `raise` folds 16-lane blocks into running lane maxima, the tail is scalar.
    @inlinable @inline(__always)
    static func firstMaxima<T: FixedWidthInteger & SIMDScalar>(
        _ scores: UnsafeBufferPointer<T>, _ classes: Int, _ output: UnsafeMutableBufferPointer<Int>,
        _ raise: (inout SIMD16<T>, SIMD16<T>) -> Void
    ) {
        check(scores.count, classes, output.count)
        guard let base = scores.baseAddress else { return }
        for row in 0..<output.count {
            let p = base + row * classes
            var lanes = SIMD16<T>(repeating: .min)
            var c = 0
            while c + 16 <= classes {
                raise(&lanes, UnsafeRawPointer(p + c).loadUnaligned(as: SIMD16<T>.self))
                c += 16
            }
            var best = lanes.max()
            while c < classes {
                best = max(best, p[c])
                c += 1
            }
            c = 0
            while p[c] != best { c += 1 }
            output[row] = c
        }
    }

    @usableFromInline
    static func check(_ scores: Int, _ classes: Int, _ rows: Int) {
        precondition(classes > 0 && scores == rows * classes, "argmax: scores are not [rows, classes]")
    }
}
