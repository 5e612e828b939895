import Testing
@testable import StimKernels

@Suite struct FixedPoolingTests {
    static func maxPool<T: FixedWidthInteger & SignedInteger>(optimized: Bool, _ x: [T], _ s: PoolShape,
                                                              lower: T = .min, upper: T = .max) -> [T] {
        var y = [T](repeating: 9, count: s.outputCount), scratch = [T](repeating: 7, count: IntegerMaxPool.scratchCount(s))
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                if optimized {
                    scratch.withUnsafeMutableBufferPointer {
                        IntegerMaxPool.optimized(x, into: y, shape: s, lower: lower, upper: upper, scratch: $0)
                    }
                } else {
                    IntegerMaxPool.reference(x, into: y, shape: s, lower: lower, upper: upper)
                }
            }
        }
        return y
    }

    static func averagePool<T: FixedWidthInteger & SignedInteger>(optimized: Bool, _ x: [T], _ s: PoolShape,
                                                                  lower: T = .min, upper: T = .max) -> [T] {
        var y = [T](repeating: 9, count: s.outputCount), scratch = [Int32](repeating: 7, count: IntegerAveragePool.scratchCount(s))
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                if optimized {
                    scratch.withUnsafeMutableBufferPointer {
                        IntegerAveragePool.optimized(x, into: y, shape: s, lower: lower, upper: upper, scratch: $0)
                    }
                } else {
                    IntegerAveragePool.reference(x, into: y, shape: s, lower: lower, upper: upper)
                }
            }
        }
        return y
    }

    static func globalAverage<T: FixedWidthInteger & SignedInteger & SIMDScalar>(optimized: Bool, _ x: [T], size: Int) -> [T] {
        var y = [T](repeating: 9, count: x.count / size)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer {
                if optimized { IntegerAveragePool.globalOptimized(x, into: $0, size: size) } else { IntegerAveragePool.globalReference(x, into: $0, size: size) }
            }
        }
        return y
    }

    static func shape(_ rng: inout Xoshiro256StarStar) -> PoolShape {
        while true {
            let s: PoolShape
            if rng.nextInt(in: 0..<2) == 0 {
                let kernel = rng.nextInt(in: 1...6)
                s = .oneDimensional(batch: rng.nextInt(in: 1...2), channels: rng.nextInt(in: 1...3), length: rng.nextInt(in: 1...50),
                                    kernel: kernel, stride: rng.nextInt(in: 1...4), padding: rng.nextInt(in: 0..<kernel))
            } else {
                let kh = rng.nextInt(in: 1...4), kw = rng.nextInt(in: 1...4)
                s = PoolShape(batch: rng.nextInt(in: 1...2), channels: rng.nextInt(in: 1...3), inHeight: rng.nextInt(in: 1...10),
                              inWidth: rng.nextInt(in: 1...10), kernelHeight: kh, kernelWidth: kw, strideHeight: rng.nextInt(in: 1...3),
                              strideWidth: rng.nextInt(in: 1...3), paddingHeight: rng.nextInt(in: 0..<kh), paddingWidth: rng.nextInt(in: 0..<kw))
            }
            if s.isValid { return s }
        }
    }

    // By hand: [3, −1, 7, 2, −5], window 2, stride 2, padding 1: windows {3}, {−1, 7}, {2, −5}.
    // Max [3, 7, 2] (clamped below at 4: [4, 7, 4]); mean [3, 3, −1.5 → −2] (half away from zero).
    @Test func handComputed1D() {
        let s = PoolShape.oneDimensional(batch: 1, channels: 1, length: 5, kernel: 2, stride: 2, padding: 1)
        let x: [Int8] = [3, -1, 7, 2, -5]
        for optimized in [false, true] {
            #expect(Self.maxPool(optimized: optimized, x, s) == [3, 7, 2])
            #expect(Self.maxPool(optimized: optimized, x, s, lower: 4) == [4, 7, 4])
            #expect(Self.averagePool(optimized: optimized, x, s) == [3, 3, -2])
            #expect(Self.averagePool(optimized: optimized, x.map(Int16.init), s, upper: 2) == [2, 2, -2])
        }
    }

    // By hand: [1, 2; 3, 5] under one 2 × 2 window: max 5, mean 11/4 = 2.75 → 3. Global means of
    // [1, 2] and [−1, −2] are 1.5 → 2 and −1.5 → −2.
    @Test func handComputed2D() {
        let s = PoolShape(batch: 1, channels: 1, inHeight: 2, inWidth: 2, kernelHeight: 2, kernelWidth: 2, strideHeight: 1, strideWidth: 1)
        let x: [Int8] = [1, 2, 3, 5]
        for optimized in [false, true] {
            #expect(Self.maxPool(optimized: optimized, x, s) == [5])
            #expect(Self.averagePool(optimized: optimized, x, s) == [3])
            #expect(Self.globalAverage(optimized: optimized, [1, 2, -1, -2] as [Int8], size: 2) == [2, -2])
        }
    }

    /// 1-D pooling (one-row windows) skips the scratch, with a pair loop for kernel 2, stride 2.
    @Test func oneRowWindowsMatchTheReference() {
        var rng = Xoshiro256StarStar(seed: 62)
        for length in [2, 3, 7, 30, 60, 61] {
            for (kernel, stride, padding) in [(2, 2, 0), (2, 2, 1), (3, 1, 1), (2, 1, 0)] where kernel <= length {
                let s = PoolShape.oneDimensional(batch: 2, channels: 3, length: length, kernel: kernel, stride: stride, padding: padding)
                let x8 = FixedRandom.int8s(s.inputCount, &rng)
                let lower = Int8(rng.nextInt(in: -128...0)), upper = Int8(rng.nextInt(in: 0...127))
                #expect(Self.maxPool(optimized: true, x8, s, lower: lower, upper: upper) == Self.maxPool(optimized: false, x8, s, lower: lower, upper: upper), "\(s)")
                let x16 = FixedLayers.int16s(s.inputCount, &rng)
                #expect(Self.maxPool(optimized: true, x16, s) == Self.maxPool(optimized: false, x16, s), "\(s)")
            }
        }
        let rows = PoolShape(batch: 1, channels: 2, inHeight: 3, inWidth: 8, kernelHeight: 1, kernelWidth: 2, strideHeight: 1, strideWidth: 2)
        let x = FixedRandom.int8s(rows.inputCount, &rng)
        #expect(Self.maxPool(optimized: true, x, rows) == Self.maxPool(optimized: false, x, rows))
    }

    @Test func optimizedIsBitExactOnRandomShapes() {
        var rng = Xoshiro256StarStar(seed: 61)
        for _ in 0..<200 {
            let s = Self.shape(&rng)
            let x8 = FixedRandom.int8s(s.inputCount, &rng), x16 = FixedLayers.int16s(s.inputCount, &rng)
            let lower = Int8(rng.nextInt(in: -128...0)), upper = Int8(rng.nextInt(in: 0...127))
            #expect(Self.maxPool(optimized: true, x8, s, lower: lower, upper: upper) == Self.maxPool(optimized: false, x8, s, lower: lower, upper: upper), "\(s)")
            #expect(Self.averagePool(optimized: true, x8, s, lower: lower, upper: upper) == Self.averagePool(optimized: false, x8, s, lower: lower, upper: upper), "\(s)")
            #expect(Self.maxPool(optimized: true, x16, s) == Self.maxPool(optimized: false, x16, s), "\(s)")
            #expect(Self.averagePool(optimized: true, x16, s) == Self.averagePool(optimized: false, x16, s), "\(s)")
            let size = rng.nextInt(in: 1...70), planes = rng.nextInt(in: 1...4)
            let g8 = FixedRandom.int8s(size * planes, &rng), g16 = FixedLayers.int16s(size * planes, &rng)
            #expect(Self.globalAverage(optimized: true, g8, size: size) == Self.globalAverage(optimized: false, g8, size: size))
            #expect(Self.globalAverage(optimized: true, g16, size: size) == Self.globalAverage(optimized: false, g16, size: size))
        }
    }

    // The extremes fill whole windows without overflow: means of all −32768 or all 32767 over 16 × 16 windows.
    @Test func extremes() {
        let s = PoolShape(batch: 1, channels: 2, inHeight: 16, inWidth: 16, kernelHeight: 16, kernelWidth: 16, strideHeight: 1, strideWidth: 1)
        let x = [Int16](repeating: .min, count: 256) + [Int16](repeating: .max, count: 256)
        for optimized in [false, true] {
            #expect(Self.averagePool(optimized: optimized, x, s) == [.min, .max])
            #expect(Self.maxPool(optimized: optimized, x, s) == [.min, .max])
            #expect(Self.globalAverage(optimized: optimized, x, size: 256) == [.min, .max])
            #expect(Self.maxPool(optimized: optimized, [Int8](repeating: .min, count: 512), s) == [.min, .min])
        }
    }

    /// The mean of the dequantized window (or whole plane), requantized with the same parameters, is within half a step of
    /// the integer mean (the max is exact).
    @Test func matchesFloatWithinHalfAStep() throws {
        var rng = Xoshiro256StarStar(seed: 62)
        let q = try AffineQuantization(lower: -1, upper: 3)
        for _ in 0..<30 {
            let s = Self.shape(&rng)
            let x = FixedRandom.int8s(s.inputCount, &rng)
            let average = Self.averagePool(optimized: true, x, s), maximum = Self.maxPool(optimized: true, x, s)
            var o = 0
            s.forEachWindow { _, rows, columns, base in
                let values = rows.flatMap { y in columns.map { Double(q.dequantize(x[base + y * s.inWidth + $0])) } }
                let mean = values.reduce(0, +) / Double(values.count)
                #expect(abs(Double(q.dequantize(average[o])) - mean) <= Double(q.scale) * 0.5001, "\(s) output \(o)")
                #expect(Double(q.dequantize(maximum[o])) == values.max()!)
                o += 1
            }
            let size = s.inHeight * s.inWidth
            let global = Self.globalAverage(optimized: true, x, size: size)
            for plane in global.indices {
                let mean = (0..<size).reduce(0.0) { $0 + Double(q.dequantize(x[plane * size + $1])) } / Double(size)
                #expect(abs(Double(q.dequantize(global[plane])) - mean) <= Double(q.scale) * 0.5001, "\(s) plane \(plane)")
            }
        }
    }
}
