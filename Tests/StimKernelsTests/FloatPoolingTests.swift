import Testing
import StimKernels

@Suite struct FloatPoolingTests {
    static func forward(_ x: [Float], _ s: PoolShape, max: Bool) -> [Float] {
        var out = [Float](repeating: .nan, count: s.outputCount)
        x.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { out in
                if max { Pooling.maxForward(x, into: out, shape: s) } else { Pooling.averageForward(x, into: out, shape: s) }
            }
        }
        return out
    }

    static func backward(_ x: [Float], _ g: [Float], _ s: PoolShape, max: Bool) -> [Float] {
        var out = [Float](repeating: .nan, count: s.inputCount)
        x.withUnsafeBufferPointer { x in
            g.withUnsafeBufferPointer { g in
                out.withUnsafeMutableBufferPointer { out in
                    if max {
                        Pooling.maxBackward(x, outputGradient: g, into: out, shape: s)
                    } else {
                        Pooling.averageBackward(g, into: out, shape: s)
                    }
                }
            }
        }
        return out
    }

    @Test func handComputedOneDimensional() {
        let x: [Float] = [1, 3, 2, 5, 4]
        let plain = PoolShape.oneDimensional(batch: 1, channels: 1, length: 5, kernel: 2, stride: 2)
        #expect(Self.forward(x, plain, max: true) == [3, 5])
        #expect(Self.forward(x, plain, max: false) == [2, 3.5])
        // Padding 1: windows {pad, 1}, {3, 2}, {5, 4}; padding counts neither for the max nor in the mean.
        let padded = PoolShape.oneDimensional(batch: 1, channels: 1, length: 5, kernel: 2, stride: 2, padding: 1)
        #expect(Self.forward(x, padded, max: true) == [1, 3, 5])
        #expect(Self.forward(x, padded, max: false) == [1, 2.5, 4.5])
        #expect(Self.backward(x, [10, 20, 30], padded, max: true) == [10, 20, 0, 30, 0])
        #expect(Self.backward(x, [10, 20, 30], padded, max: false) == [10, 10, 10, 15, 15])
        #expect(Self.forward([-1, .nan, 7, 0], .oneDimensional(batch: 1, channels: 1, length: 4, kernel: 2, stride: 2),
                             max: true).map(\.isNaN) == [true, false])
    }

    @Test func handComputedTwoDimensional() {
        let x = (0..<16).map(Float.init)
        let s = PoolShape(batch: 1, channels: 1, inHeight: 4, inWidth: 4, kernelHeight: 2, kernelWidth: 2,
                          strideHeight: 2, strideWidth: 2)
        #expect(Self.forward(x, s, max: true) == [5, 7, 13, 15])
        #expect(Self.forward(x, s, max: false) == [2.5, 4.5, 10.5, 12.5])
    }

    static let shapes: [PoolShape] = [
        .oneDimensional(batch: 2, channels: 3, length: 11, kernel: 3, stride: 1, padding: 1),
        .oneDimensional(batch: 1, channels: 2, length: 7, kernel: 4, stride: 3, padding: 2),
        PoolShape(batch: 2, channels: 2, inHeight: 5, inWidth: 6, kernelHeight: 3, kernelWidth: 2,
                  strideHeight: 2, strideWidth: 1, paddingHeight: 1, paddingWidth: 1),
    ]

    // Central differences of L = Σ pool(x) · r in Double; inputs are a shuffled grid with gaps of 1/64, much
    // wider than the step, so no window's maximum changes.
    @Test(arguments: shapes)
    func gradientsMatchFiniteDifferences(shape s: PoolShape) {
        #expect(s.isValid)
        var g = Xoshiro256StarStar(seed: 40)
        var x = (0..<s.inputCount).map { Float($0) / 64 }
        for i in stride(from: x.count - 1, to: 0, by: -1) { x.swapAt(i, g.nextInt(in: 0...i)) }
        let r = FloatTests.random(s.outputCount, seed: 41)
        for max in [true, false] {
            let analytic = Self.backward(x, r, s, max: max)
            let loss = { (x: [Float]) in zip(Self.forward(x, s, max: max), r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
            let h: Float = 1.0 / 512
            for i in 0..<x.count {
                var plus = x, minus = x
                plus[i] += h
                minus[i] -= h
                let numeric = (loss(plus) - loss(minus)) / (2 * Double(h))
                #expect(abs(numeric - Double(analytic[i])) <= 1e-4, "max \(max) ∂L/∂x[\(i)] \(s)")
            }
        }
    }

    // Window 2, stride 2 over an even 1-D width takes a pairwise fast path; the same rows pooled as one
    // 2-D plane with a 1 × 2 window take the general path. Both must agree exactly, NaNs and ties included.
    @Test(arguments: [(1, 1, 2), (3, 5, 60), (64, 16, 30), (2, 3, 8)])
    func pairwiseMaxAgreesWithGeneralPath(batch: Int, channels: Int, length: Int) {
        let pairwise = PoolShape.oneDimensional(batch: batch, channels: channels, length: length, kernel: 2, stride: 2)
        let general = PoolShape(batch: 1, channels: 1, inHeight: batch * channels, inWidth: length,
                                 kernelHeight: 1, kernelWidth: 2, strideHeight: 1, strideWidth: 2)
        var x = FloatTests.random(pairwise.inputCount, seed: 42)
        // Ties, NaNs in either position, and infinities.
        for i in stride(from: 0, to: x.count, by: 7) { x[i] = x[i ^ 1] }
        for i in stride(from: 3, to: x.count, by: 11) { x[i] = .nan }
        for i in stride(from: 4, to: x.count, by: 13) { x[i] = -.infinity }
        let g = FloatTests.random(pairwise.outputCount, seed: 43)
        let (fast, slow) = (Self.forward(x, pairwise, max: true), Self.forward(x, general, max: true))
        #expect(fast.map(\.bitPattern) == slow.map(\.bitPattern))
        let (fastGradient, slowGradient) = (Self.backward(x, g, pairwise, max: true), Self.backward(x, g, general, max: true))
        #expect(fastGradient.map(\.bitPattern) == slowGradient.map(\.bitPattern))
    }

    @Test func globalAverageAndItsGradient() {
        let x: [Float] = [1, 2, 3, 4, 5, 6, -1, -2, -3]
        var out = [Float](repeating: .nan, count: 3)
        x.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { Pooling.globalAverageForward(x, into: $0, size: 3) } }
        #expect(out == [2, 5, -2])
        var grad = [Float](repeating: .nan, count: 9)
        [Float]([3, 6, -9]).withUnsafeBufferPointer { g in
            grad.withUnsafeMutableBufferPointer { Pooling.globalAverageBackward(g, into: $0, size: 3) }
        }
        #expect(grad == [1, 1, 1, 2, 2, 2, -3, -3, -3])
    }

    @Test func invalidShapesAreRecognized() {
        let ok = PoolShape.oneDimensional(batch: 1, channels: 1, length: 4, kernel: 2, stride: 2, padding: 1)
        #expect(ok.isValid)
        var allPadding = ok
        allPadding.paddingWidth = 2
        var tooWide = ok
        tooWide.kernelWidth = 7
        var zeroStride = ok
        zeroStride.strideWidth = 0
        for bad in [allPadding, tooWide, zeroStride] { #expect(!bad.isValid, "\(bad)") }
    }
}
