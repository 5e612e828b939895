import Foundation
import Testing
import StimKernels

/// FloatMath against libm's double-precision functions, in units of the float result's last place.
@Suite struct FloatElementaryFunctionsTests {
    /// Largest error of `f` against `exact` over `count` evenly spaced points of [lower, upper], in ulp.
    static func maxUlpError(_ f: (Float) -> Float, _ exact: (Double) -> Double, from lower: Float, to upper: Float,
                            count: Int = 400_001) -> Double {
        var worst = 0.0
        for i in 0..<count {
            let x = lower + (upper - lower) * Float(i) / Float(count - 1)
            let expected = exact(Double(x))
            let ulp = Double(Float(expected).ulp)
            worst = max(worst, abs(Double(f(x)) - expected) / ulp)
        }
        return worst
    }

    // The whole range where eˣ is a non-zero finite float, subnormal results included.
    @Test func expWithinTwoUlp() {
        let error = Self.maxUlpError(FloatMath.exp, Foundation.exp, from: -103.9, to: 88.72)
        #expect(error <= 2, "max error \(error) ulp")
        let nearZero = Self.maxUlpError(FloatMath.exp, Foundation.exp, from: -1, to: 1)
        #expect(nearZero <= 1.5, "max error \(nearZero) ulp on [-1, 1]")
    }

    @Test func expSpecialValues() {
        #expect(FloatMath.exp(0) == 1)
        #expect(FloatMath.exp(.infinity) == .infinity)
        #expect(FloatMath.exp(-.infinity) == 0)
        #expect(FloatMath.exp(89) == .infinity)
        #expect(FloatMath.exp(-105) == 0)
        #expect(FloatMath.exp(.nan).isNaN)
    }

    @Test func vectorExpGivesTheScalarBits() {
        var lanes = SIMD8<Float>()
        var checked = 0
        for i in 0..<400_000 {
            lanes[i % 8] = -110 + 200 * Float(i) / 400_000
            if i % 8 == 7 {
                let vector = FloatMath.exp(lanes)
                for k in 0..<8 where vector[k].bitPattern == FloatMath.exp(lanes[k]).bitPattern { checked += 1 }
            }
        }
        #expect(checked == 400_000)
        let special = FloatMath.exp(SIMD8<Float>(0, .infinity, -.infinity, 89, -105, .nan, -103.9, 88.7))
        #expect(special[0] == 1 && special[1] == .infinity && special[2] == 0 && special[3] == .infinity && special[4] == 0)
        #expect(special[5].isNaN)
        #expect(special[6] == FloatMath.exp(-103.9) && special[7] == FloatMath.exp(88.7))
    }

    @Test func tanhWithinThreeUlp() {
        let error = Self.maxUlpError(FloatMath.tanh, Foundation.tanh, from: -12, to: 12)
        #expect(error <= 3, "max error \(error) ulp")
        // Near zero the series branch keeps full relative precision.
        let small = Self.maxUlpError(FloatMath.tanh, Foundation.tanh, from: -1e-3, to: 1e-3)
        #expect(small <= 1, "max error \(small) ulp on [-1e-3, 1e-3]")
        #expect(FloatMath.tanh(0) == 0)
        #expect(FloatMath.tanh(.infinity) == 1 && FloatMath.tanh(-.infinity) == -1)
        #expect(FloatMath.tanh(.nan).isNaN)
        for x: Float in [0.3, 0.55, 2, 7] { #expect(FloatMath.tanh(-x) == -FloatMath.tanh(x)) }
    }

    @Test func sigmoidWithinThreeUlp() {
        let exact = { (x: Double) in 1 / (1 + Foundation.exp(-x)) }
        let error = Self.maxUlpError(FloatMath.sigmoid, exact, from: -87, to: 30)
        #expect(error <= 3, "max error \(error) ulp")
        #expect(FloatMath.sigmoid(0) == 0.5)
        #expect(FloatMath.sigmoid(.infinity) == 1 && FloatMath.sigmoid(-.infinity) == 0)
        #expect(FloatMath.sigmoid(.nan).isNaN)
    }
}
