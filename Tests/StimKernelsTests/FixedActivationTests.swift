import Testing
@testable import StimKernels

@Suite struct FixedActivationTests {
    static func relu<T: FixedWidthInteger & SignedInteger & SIMDScalar>(optimized: Bool, _ x: [T], zeroPoint: T, upper: T = .max) -> [T] {
        var y = x
        y.withUnsafeMutableBufferPointer {
            if optimized { IntegerReLU.optimized($0, zeroPoint: zeroPoint, upper: upper) } else { IntegerReLU.reference($0, zeroPoint: zeroPoint, upper: upper) }
        }
        return y
    }

    static func argmax<T: FixedWidthInteger & SignedInteger & SIMDScalar>(optimized: Bool, _ x: [T], classes: Int) -> [Int] {
        var y = [Int](repeating: -1, count: x.count / classes)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer {
                if optimized { IntegerArgmax.optimized(x, classes: classes, into: $0) } else { IntegerArgmax.reference(x, classes: classes, into: $0) }
            }
        }
        return y
    }

    // By hand: zero point 2 and upper bound 8 clamp [−5, 0, 3, 10, 127] to [2, 2, 3, 8, 8].
    @Test func reluHandComputed() {
        for optimized in [false, true] {
            #expect(Self.relu(optimized: optimized, [-5, 0, 3, 10, 127] as [Int8], zeroPoint: 2, upper: 8) == [2, 2, 3, 8, 8])
            #expect(Self.relu(optimized: optimized, [Int16.min, -1, 0, .max], zeroPoint: 0) == [0, 0, 0, .max])
            #expect(Self.relu(optimized: optimized, [Int8.min, .max], zeroPoint: .min) == [.min, .max])
        }
    }

    // By hand: the first of equal maxima wins; a row of the lowest score picks class 0.
    @Test func argmaxHandComputed() {
        for optimized in [false, true] {
            #expect(Self.argmax(optimized: optimized, [1, 5, 5, 2, -3, -3, -4, -128] as [Int8], classes: 4) == [1, 0])
            #expect(Self.argmax(optimized: optimized, [Int16](repeating: .min, count: 40), classes: 20) == [0, 0])
            #expect(Self.argmax(optimized: optimized, [Int16](repeating: .min, count: 39) + [.max], classes: 20) == [0, 19])
        }
    }

    @Test func optimizedIsBitExactOnRandomData() {
        var rng = Xoshiro256StarStar(seed: 71)
        for trial in 0..<300 {
            let count = rng.nextInt(in: 0...70)
            let x8 = FixedRandom.int8s(count, &rng), x16 = FixedLayers.int16s(count, &rng)
            let zero = Int8(rng.nextInt(in: -128...127)), upper = Int8(rng.nextInt(in: Int(zero)...127))
            #expect(Self.relu(optimized: true, x8, zeroPoint: zero, upper: upper) == Self.relu(optimized: false, x8, zeroPoint: zero, upper: upper))
            #expect(Self.relu(optimized: true, x16, zeroPoint: 0) == Self.relu(optimized: false, x16, zeroPoint: 0))

            let classes = rng.nextInt(in: 1...40), rows = rng.nextInt(in: 1...4)
            // Few distinct scores half the time, so ties are common.
            let scores = (0..<rows * classes).map { _ in trial % 2 == 0 ? Int8(rng.nextInt(in: -2...2)) : Int8(truncatingIfNeeded: rng.next()) }
            #expect(Self.argmax(optimized: true, scores, classes: classes) == Self.argmax(optimized: false, scores, classes: classes))
            let scores16 = scores.map { Int16($0) * 250 }
            #expect(Self.argmax(optimized: true, scores16, classes: classes) == Self.argmax(optimized: false, scores, classes: classes))
        }
    }
}
