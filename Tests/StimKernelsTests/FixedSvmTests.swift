import Foundation
import Testing
@testable import StimKernels

/// The integer exponential against Double exp over its whole input range, and the int16 SVM kernels: by hand,
/// at the extremes, and optimized bit-exact with reference on random shapes.
@Suite struct FixedSvmTests {
    static func exp(_ argument: Int32) -> Double { Foundation.exp(Double(argument) * 0x1p-26) * 0x1p31 }

    // Every 4099th argument from −2³¹ to 0, plus both ends and the multiples of ¼ (where the table takes over):
    // the largest error stays within the Taylor polynomial's truncation bound (⅛)⁵/5! ≈ 2.5·10⁻⁷ ≈ 546 units of
    // 2⁻³¹ plus rounding, and the result never increases as the argument falls.
    @Test func expMatchesDoubleExpOverTheWholeRange() {
        var worst = 0.0, worstAt: Int32 = 0
        var arguments = Array(stride(from: Int32.min, through: 0, by: 4099)) + [Int32.min, Int32.min + 1, -1, 0]
        arguments += (0...128).map { -Int32($0) << 24 } + (1...128).map { (-Int32($0) << 24) + 1 } + (1...127).map { (-Int32($0) << 24) - 1 }
        for a in arguments {
            let error = abs(Double(FixedExp.onNegativeValues(a)) - Self.exp(a))
            if error > worst { (worst, worstAt) = (error, a) }
        }
        print("FixedExp: largest error \(worst) units of 2⁻³¹ (at argument \(Double(worstAt) * 0x1p-26))")
        #expect(worst <= 560)
        #expect(FixedExp.onNegativeValues(0) == .max)
        #expect(FixedExp.onNegativeValues(1000) == .max)
        #expect(FixedExp.onNegativeValues(Int32.min) == 0)  // exp(−32) < 2⁻³¹
        var previous = Int32.max
        for a in stride(from: Int32(0), through: -(Int32(12) << 26), by: -65_537) {
            let value = FixedExp.onNegativeValues(a)
            #expect(value <= previous, "exp not monotone at \(a)")
            previous = value
        }
    }

    @Test func powerFactorsAreTheRoundedExponentials() {
        for (k, factor) in FixedExp.powerFactors.enumerated() {
            #expect(Double(factor) == (Foundation.exp(-Foundation.pow(2, Double(k - 2))) * 0x1p31).rounded())
        }
    }

    static func sums<Value: FixedWidthInteger & SignedInteger & SIMDScalar>(optimized: Bool, _ values: [Value], _ w: [Int16],
                                                                          _ b: [Int64]) -> [Int64] {
        var out = [Int64](repeating: 7, count: b.count)
        values.withUnsafeBufferPointer { v in
            w.withUnsafeBufferPointer { w in
                b.withUnsafeBufferPointer { b in
                    out.withUnsafeMutableBufferPointer {
                        optimized ? Int16Svm.weightedSumsOptimized(v, weight: w, bias: b, into: $0, machines: b.count, count: v.count)
                            : Int16Svm.weightedSumsReference(v, weight: w, bias: b, into: $0, machines: b.count, count: v.count)
                    }
                }
            }
        }
        return out
    }

    static func kernel(optimized: Bool, _ x: [Int16], _ sv: [Int16], _ m: QuantizedMultiplier, count: Int = 1) -> [Int32] {
        var out = [Int32](repeating: 7, count: count)
        x.withUnsafeBufferPointer { x in
            sv.withUnsafeBufferPointer { sv in
                out.withUnsafeMutableBufferPointer {
                    optimized ? Int16Svm.rbfKernelOptimized(x, supportVectors: sv, multiplier: m, into: $0, count: count, dimension: x.count)
                        : Int16Svm.rbfKernelReference(x, supportVectors: sv, multiplier: m, into: $0, count: count, dimension: x.count)
                }
            }
        }
        return out
    }

    // By hand: 3·2 − 4·5 + 10 = −4; −1·2 + 0 − 10 = −12. RBF: ‖(3, −4) − (0, 0)‖² = 25, ‖(3, −4) − (3, −4)‖² = 0;
    // with γs² = 1/25 the argument is −1, so the kernel is exp(−1) and exp(0).
    @Test func handComputed() throws {
        let m = try QuantizedMultiplier(0x1p26 / 25)
        for optimized in [false, true] {
            #expect(Self.sums(optimized: optimized, [Int16(2), 5], [3, -4, -1, 0], [10, -10]) == [-4, -12])
            let k = Self.kernel(optimized: optimized, [3, -4], [0, 0, 3, -4], m, count: 2)
            #expect(abs(Double(k[0]) - Foundation.exp(-1) * 0x1p31) <= 560)
            #expect(k[1] == .max)
            #expect(Self.sums(optimized: optimized, [Int32(100), 200, 300], [1, -2, 3, 0, 0, 1], [5, -5]) == [5 + 100 - 400 + 900, 295])
        }
    }

    // Extremes: 1000 coordinates at −32768 against +32767 give D = 1000 · 65535², beyond int32 and uint32 sums;
    // a multiplier of 2⁻⁸ puts the argument at −D·2⁻³⁴ ≈ −250, saturated at −32 (exp below 2⁻³¹, so 0); 2⁻¹⁴ gives
    // −D·2⁻⁴⁰ ≈ −3.91.
    @Test func extremesDoNotOverflow() throws {
        let n = 1000, low = [Int16](repeating: .min, count: n), high = [Int16](repeating: .max, count: n)
        let distance = Double(n) * 65535 * 65535
        for optimized in [false, true] {
            #expect(Self.kernel(optimized: optimized, low, high, try QuantizedMultiplier(0x1p-8)) == [0])
            let k = Self.kernel(optimized: optimized, low, high, try QuantizedMultiplier(0x1p-14))
            #expect(abs(Double(k[0]) - Foundation.exp(-distance * 0x1p-40) * 0x1p31) <= 560 + 0x1p31 * 0x1p-30)
            #expect(Self.sums(optimized: optimized, low, low, [Int64.max - Int64(n) * (1 << 30)]) == [Int64.max])
            let kMax = [Int32](repeating: .max, count: n), cMin = [Int16](repeating: .min, count: n)
            #expect(Self.sums(optimized: optimized, kMax, cMin, [0]) == [Int64(n) * Int64(Int32.max) * -32768])
        }
    }

    @Test func optimizedIsBitExactOnRandomShapes() throws {
        var rng = Xoshiro256StarStar(seed: 43)
        var shapes = [(1, 1), (1, 8), (2, 15), (3, 16), (1, 17), (4, 120), (2, 784)]
        for _ in 0..<150 { shapes.append((rng.nextInt(in: 1...6), rng.nextInt(in: 0...70))) }
        for (machines, dimension) in shapes {
            let x = FixedLayers.int16s(dimension, &rng), w = FixedLayers.int16s(machines * dimension, &rng)
            let b = (0..<machines).map { _ in Int64(rng.nextInt(in: -1_000_000...1_000_000)) }
            #expect(Self.sums(optimized: true, x, w, b) == Self.sums(optimized: false, x, w, b))
            // Small coordinates too, so that the kernel values spread over (0, 1] instead of all saturating at 0.
            let count = rng.nextInt(in: 0...40)
            let small = x.map { $0 / 256 }, sv = FixedLayers.int16s(count * dimension, &rng).map { $0 / 256 }
            let m = try QuantizedMultiplier(rng.nextDouble(in: 0.0001..<0.1))
            let k = Self.kernel(optimized: true, small, sv, m, count: count)
            #expect(k == Self.kernel(optimized: false, small, sv, m, count: count))
            let c = FixedLayers.int16s(machines * count, &rng)
            #expect(Self.sums(optimized: true, k, c, b) == Self.sums(optimized: false, k, c, b))
        }
    }
}
