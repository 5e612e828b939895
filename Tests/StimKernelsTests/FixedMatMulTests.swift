import Testing
@testable import StimKernels

/// Random int8 data and shapes shared by the fixed-point kernel tests.
enum FixedRandom {
    static func int8s(_ count: Int, _ rng: inout Xoshiro256StarStar) -> [Int8] {
        (0..<count).map { _ in Int8(truncatingIfNeeded: rng.next()) }
    }

    /// The extremes, zero, or anything in int8 range.
    static func zeroPoint(_ rng: inout Xoshiro256StarStar) -> Int32 {
        let choices: [Int32] = [-128, 127, 0, Int32(rng.nextInt(in: -128...127))]
        return choices[rng.nextInt(in: 0..<4)]
    }
}

@Suite struct FixedMatMulTests {
    typealias MatMul = @Sendable (UnsafeBufferPointer<Int8>, Int32, UnsafeBufferPointer<Int8>, Int32, Int, Int, Int,
                        UnsafeMutableBufferPointer<Int32>) -> Void

    static func run(_ kernel: MatMul, _ a: [Int8], _ za: Int32, _ b: [Int8], _ zb: Int32, _ rows: Int, _ columns: Int, _ depth: Int) -> [Int32] {
        var out = [Int32](repeating: -7, count: rows * columns)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { kernel(a, za, b, zb, rows, columns, depth, $0) }
            }
        }
        return out
    }

    static let reference: MatMul = { Int8MatMul.reference(a: $0, aZeroPoint: $1, b: $2, bZeroPoint: $3, rows: $4, columns: $5, depth: $6, output: $7) }
    static let optimized: MatMul = { Int8MatMul.optimized(a: $0, aZeroPoint: $1, b: $2, bZeroPoint: $3, rows: $4, columns: $5, depth: $6, output: $7) }

    // Worked by hand: a = [[1, 2], [3, 4]] − 1, b = [[5, 6], [7, 8]] + 1.
    @Test func handComputedCase() {
        for kernel in [Self.reference, Self.optimized] {
            // [0·6 + 1·7, 0·8 + 1·9, 2·6 + 3·7, 2·8 + 3·9]
            let expected: [Int32] = [7, 9, 33, 43]
            #expect(Self.run(kernel, [1, 2, 3, 4], 1, [5, 6, 7, 8], -1, 2, 2, 2) == expected)
        }
    }

    // The largest magnitudes: (−128 − 127)² summed over depth, well inside int32.
    @Test func extremeValues() {
        let depth = 1000
        let a = [Int8](repeating: -128, count: depth), b = [Int8](repeating: -128, count: depth)
        let expected = Int32(depth * 255 * 255)
        #expect(Self.run(Self.reference, a, 127, b, 127, 1, 1, depth) == [expected])
        #expect(Self.run(Self.optimized, a, 127, b, 127, 1, 1, depth) == [expected])
    }

    @Test func emptyDepthGivesZeros() {
        #expect(Self.run(Self.optimized, [], 3, [], 5, 2, 3, 0) == [Int32](repeating: 0, count: 6))
        #expect(Self.run(Self.reference, [], 3, [], 5, 2, 3, 0) == [Int32](repeating: 0, count: 6))
    }

    @Test func optimizedIsBitExactOnRandomShapes() {
        var rng = Xoshiro256StarStar(seed: 11)
        var shapes = [(1, 1, 1), (1, 1, 16), (1, 4, 15), (3, 5, 17), (4, 4, 32), (7, 9, 33), (2, 13, 1), (1, 1, 100)]
        for _ in 0..<200 { shapes.append((rng.nextInt(in: 1...12), rng.nextInt(in: 1...20), rng.nextInt(in: 1...90))) }
        for (rows, columns, depth) in shapes {
            let a = FixedRandom.int8s(rows * depth, &rng), b = FixedRandom.int8s(columns * depth, &rng)
            let za = FixedRandom.zeroPoint(&rng), zb = FixedRandom.zeroPoint(&rng)
            let expected = Self.run(Self.reference, a, za, b, zb, rows, columns, depth)
            #expect(Self.run(Self.optimized, a, za, b, zb, rows, columns, depth) == expected, "\(rows)x\(columns)x\(depth)")
            // The reference against the definition in Int64, element by element.
            let i = rng.nextInt(in: 0..<rows), j = rng.nextInt(in: 0..<columns)
            let direct = (0..<depth).reduce(Int64(0)) { $0 + (Int64(a[i * depth + $1]) - Int64(za)) * (Int64(b[j * depth + $1]) - Int64(zb)) }
            #expect(Int64(expected[i * columns + j]) == direct)
        }
    }
}
