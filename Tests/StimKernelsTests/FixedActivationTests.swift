import Testing
@testable import StimKernels

@Suite struct FixedActivationTests {
    typealias ReLU<T> = @Sendable (UnsafeMutableBufferPointer<T>, T, T) -> Void
    typealias Argmax<T> = @Sendable (UnsafeBufferPointer<T>, Int, UnsafeMutableBufferPointer<Int>) -> Void

    static func relu<T>(_ x: [T], zeroPoint: T, upper: T, _ kernel: ReLU<T>) -> [T] {
        var y = x
        y.withUnsafeMutableBufferPointer { kernel($0, zeroPoint, upper) }
        return y
    }

    static func argmax<T>(_ x: [T], classes: Int, _ kernel: Argmax<T>) -> [Int] {
        var y = [Int](repeating: -1, count: x.count / classes)
        x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { kernel(x, classes, $0) } }
        return y
    }

    static let relu8: [ReLU<Int8>] = [{ IntegerReLU.reference($0, zeroPoint: $1, upper: $2) }, { IntegerReLU.optimized($0, zeroPoint: $1, upper: $2) }]
    static let relu16: [ReLU<Int16>] = [{ IntegerReLU.reference($0, zeroPoint: $1, upper: $2) }, { IntegerReLU.optimized($0, zeroPoint: $1, upper: $2) }]
    static let argmax8: [Argmax<Int8>] = [{ IntegerArgmax.reference($0, classes: $1, into: $2) }, { IntegerArgmax.optimized($0, classes: $1, into: $2) }]
    static let argmax16: [Argmax<Int16>] = [{ IntegerArgmax.reference($0, classes: $1, into: $2) }, { IntegerArgmax.optimized($0, classes: $1, into: $2) }]

    // By hand: zero point 2 and upper bound 8 clamp [−5, 0, 3, 10, 127] to [2, 2, 3, 8, 8].
    @Test func reluHandComputed() {
        for kernel in Self.relu8 {
            #expect(Self.relu([-5, 0, 3, 10, 127], zeroPoint: 2, upper: 8, kernel) == [2, 2, 3, 8, 8])
            #expect(Self.relu([.min, .max], zeroPoint: .min, upper: .max, kernel) == [.min, .max])
        }
        for kernel in Self.relu16 {
            #expect(Self.relu([.min, -1, 0, .max], zeroPoint: 0, upper: .max, kernel) == [0, 0, 0, .max])
        }
    }

    /// ReLU at the zero point is real max(x, 0) exactly, for every int8 value and zero point.
    @Test func reluIsFloatReLU() throws {
        let all = (-128...127).map { Int8($0) }
        for (lower, upper) in [(Float(-1), Float(3)), (-0.2, 5), (0.5, 2)] {
            let q = try AffineQuantization(lower: lower, upper: upper)
            let y = Self.relu(all, zeroPoint: Int8(q.zeroPoint), upper: .max, Self.relu8[1])
            #expect(y.map(q.dequantize) == all.map { max(q.dequantize($0), 0) })
        }
    }

    // By hand: the first of equal maxima wins; a row of the lowest score picks class 0.
    @Test func argmaxHandComputed() {
        for kernel in Self.argmax8 {
            #expect(Self.argmax([1, 5, 5, 2, -3, -3, -4, -128], classes: 4, kernel) == [1, 0])
        }
        for kernel in Self.argmax16 {
            #expect(Self.argmax([Int16](repeating: .min, count: 40), classes: 20, kernel) == [0, 0])
            #expect(Self.argmax([Int16](repeating: .min, count: 39) + [.max], classes: 20, kernel) == [0, 19])
        }
    }

    @Test func optimizedIsBitExactOnRandomData() {
        var rng = Xoshiro256StarStar(seed: 71)
        for trial in 0..<300 {
            let count = rng.nextInt(in: 0...70)
            let x8 = FixedRandom.int8s(count, &rng), x16 = FixedLayers.int16s(count, &rng)
            let zero = Int8(rng.nextInt(in: -128...127)), upper = Int8(rng.nextInt(in: Int(zero)...127))
            #expect(Self.relu(x8, zeroPoint: zero, upper: upper, Self.relu8[1]) == Self.relu(x8, zeroPoint: zero, upper: upper, Self.relu8[0]))
            #expect(Self.relu(x16, zeroPoint: 0, upper: 3000, Self.relu16[1]) == Self.relu(x16, zeroPoint: 0, upper: 3000, Self.relu16[0]))

            let classes = rng.nextInt(in: 1...40), rows = rng.nextInt(in: 1...4)
            // Few distinct scores half the time, so ties are common.
            let scores = (0..<rows * classes).map { _ in trial % 2 == 0 ? Int8(rng.nextInt(in: -2...2)) : Int8(truncatingIfNeeded: rng.next()) }
            let expected = Self.argmax(scores, classes: classes, Self.argmax8[0])
            #expect(Self.argmax(scores, classes: classes, Self.argmax8[1]) == expected)
            // Scaling keeps the order, so int16 scores pick the same classes.
            let scores16 = scores.map { Int16($0) * 250 }
            #expect(Self.argmax(scores16, classes: classes, Self.argmax16[0]) == expected)
            #expect(Self.argmax(scores16, classes: classes, Self.argmax16[1]) == expected)
        }
    }
}
