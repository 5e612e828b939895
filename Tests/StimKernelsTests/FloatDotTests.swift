import Testing
import StimKernels

/// The float32 dot product: each product of two floats is exact in Double, so the Double sum is a reference
/// both kernels must meet within the usual n·ε·Σ|xᵢyᵢ| bound of a float32 sum.
@Suite struct FloatDotTests {
    @Test func referenceAndOptimizedMatchTheExactSum() {
        for count in [0, 1, 7, 8, 9, 15, 16, 17, 24, 63, 120, 784, 1000] {
            let x = FloatTests.random(count, seed: 20), y = FloatTests.random(count, seed: 21)
            let exact = (0..<count).reduce(0.0) { $0 + Double(x[$1]) * Double(y[$1]) }
            let bound = Double(count) * Double(Float.ulpOfOne) * (0..<count).reduce(0.0) { $0 + abs(Double(x[$1]) * Double(y[$1])) }
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    #expect(abs(Double(Dot.reference(x, y)) - exact) <= bound, "reference, \(count)")
                    #expect(abs(Double(Dot.optimized(x, y)) - exact) <= bound, "optimized, \(count)")
                }
            }
        }
    }

    // Integers small enough that every partial sum is exact: both orders give the same float.
    @Test func exactOnSmallIntegers() {
        let x = (0..<37).map { Float($0 % 7 - 3) }, y = (0..<37).map { Float($0 % 5 - 2) }
        let exact = zip(x, y).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                #expect(Dot.reference(x, y) == exact)
                #expect(Dot.optimized(x, y) == exact)
            }
        }
    }
}
