import Foundation
import StimKernels
import StimTestSupport
import Testing

@Suite struct FloatConvolutionTests {
    enum Kernel { case forward, backwardInput, backwardWeight }

    /// Runs one kernel. forward: (input, weight) → output; backwardInput: (output gradient, weight) → input
    /// gradient; backwardWeight: (output gradient, input) → weight gradient.
    static func run(_ kernel: Kernel, _ first: [Float], _ second: [Float], bias: [Float]? = nil,
                    _ s: ConvolutionShape, optimized: Bool) -> [Float] {
        let count = switch kernel {
        case .forward: s.outputCount
        case .backwardInput: s.inputCount
        case .backwardWeight: s.weightCount
        }
        var out = [Float](repeating: .nan, count: count)
        var scratch = [Float](repeating: .nan, count: s.scratchCount)
        first.withUnsafeBufferPointer { a in
            second.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { out in
                    scratch.withUnsafeMutableBufferPointer { scratch in
                        let withBias = { (body: (UnsafeBufferPointer<Float>?) -> Void) in
                            if let bias { bias.withUnsafeBufferPointer { body($0) } } else { body(nil) }
                        }
                        switch (kernel, optimized) {
                        case (.forward, false):
                            withBias { Convolution.Reference.forward(a, weight: b, bias: $0, into: out, shape: s) }
                        case (.forward, true):
                            withBias {
                                Convolution.Optimized.forward(a, weight: b, bias: $0, into: out, shape: s, scratch: scratch)
                            }
                        case (.backwardInput, false): Convolution.Reference.backwardInput(a, weight: b, into: out, shape: s)
                        case (.backwardInput, true):
                            Convolution.Optimized.backwardInput(a, weight: b, into: out, shape: s, scratch: scratch)
                        case (.backwardWeight, false): Convolution.Reference.backwardWeight(a, input: b, into: out, shape: s)
                        case (.backwardWeight, true):
                            Convolution.Optimized.backwardWeight(a, input: b, into: out, shape: s, scratch: scratch)
                        }
                    }
                }
            }
        }
        return out
    }

    // [1 2 3 4] ⋆ [1 0 −1] with padding 1 and bias 0.5, by hand: [0−2, 1−3, 2−4, 3−0] + 0.5.
    @Test(arguments: [false, true])
    func handComputedOneDimensional(optimized: Bool) {
        let s = ConvolutionShape.oneDimensional(batch: 1, inChannels: 1, outChannels: 1, length: 4, kernel: 3, padding: 1)
        #expect(Self.run(.forward, [1, 2, 3, 4], [1, 0, -1], bias: [0.5], s, optimized: optimized) == [-1.5, -1.5, -1.5, 3.5])
        // Stride 2, dilation 2, no padding: outputs at 0 and 2 see taps (0, 2, 4) and (2, 4, 6).
        let strided = ConvolutionShape.oneDimensional(batch: 1, inChannels: 1, outChannels: 1, length: 7, kernel: 3,
                                                      stride: 2, dilation: 2)
        #expect(strided.outWidth == 2)
        #expect(Self.run(.forward, [1, 2, 3, 4, 5, 6, 7], [1, 10, 100], strided, optimized: optimized) == [531, 753])
    }

    // The input gradient is the transposed convolution generators upsample with: stride 2 lays one scaled
    // copy of the kernel per input value, two positions apart, overlapping where they meet (by hand).
    @Test(arguments: [false, true])
    func inputGradientIsTransposedConvolution(optimized: Bool) {
        let s = ConvolutionShape.oneDimensional(batch: 1, inChannels: 1, outChannels: 1, length: 5, kernel: 3, stride: 2)
        #expect(s.outWidth == 2)
        #expect(Self.run(.backwardInput, [1, 2], [1, 10, 100], s, optimized: optimized) == [1, 10, 102, 20, 200])
    }

    // 2 × 2 image, 2 × 2 kernel, padding 1: a 3 × 3 output whose corners each see one pixel, by hand.
    @Test(arguments: [false, true])
    func handComputedTwoDimensional(optimized: Bool) {
        let s = ConvolutionShape(batch: 1, inChannels: 1, outChannels: 1, inHeight: 2, inWidth: 2,
                                 kernelHeight: 2, kernelWidth: 2, paddingHeight: 1, paddingWidth: 1)
        let out = Self.run(.forward, [1, 2, 3, 4], [1, 10, 100, 1000], s, optimized: optimized)
        #expect(out == [1000, 2100, 200, 3010, 4321, 402, 30, 43, 4])
    }

    static let shapes: [ConvolutionShape] = [
        .oneDimensional(batch: 1, inChannels: 1, outChannels: 1, length: 1, kernel: 1),
        .oneDimensional(batch: 3, inChannels: 2, outChannels: 5, length: 60, kernel: 7, padding: 3),
        .oneDimensional(batch: 2, inChannels: 4, outChannels: 6, groups: 2, length: 13, kernel: 3, stride: 2,
                        padding: 1, dilation: 2),
        // Kernel longer than the input, made possible by padding.
        .oneDimensional(batch: 2, inChannels: 3, outChannels: 2, length: 3, kernel: 5, padding: 2),
        .oneDimensional(batch: 2, inChannels: 4, outChannels: 4, groups: 4, length: 9, kernel: 3, stride: 3),
        ConvolutionShape(batch: 2, inChannels: 3, outChannels: 4, inHeight: 7, inWidth: 6, kernelHeight: 3,
                         kernelWidth: 2, strideHeight: 2, strideWidth: 1, paddingHeight: 1, paddingWidth: 2,
                         dilationHeight: 1, dilationWidth: 3),
        ConvolutionShape(batch: 1, inChannels: 4, outChannels: 2, groups: 2, inHeight: 5, inWidth: 5,
                         kernelHeight: 1, kernelWidth: 1),
        // Stride 1, one group: Convolution.Direct. The teacher's middle layer; 13 filters (a tile of one row,
        // dilation, no padding); 17 filters (a second panel of one channel) over 35 positions; padding past the
        // kernel's reach, where the input gradient goes back to im2col.
        .oneDimensional(batch: 5, inChannels: 16, outChannels: 32, length: 30, kernel: 5, padding: 2),
        .oneDimensional(batch: 2, inChannels: 7, outChannels: 13, length: 19, kernel: 3, dilation: 2),
        .oneDimensional(batch: 3, inChannels: 5, outChannels: 17, length: 33, kernel: 3, padding: 1),
        .oneDimensional(batch: 2, inChannels: 3, outChannels: 4, length: 10, kernel: 2, padding: 3),
    ]

    // Optimized (Direct, or im2col + blocked multiply) against the loops, for every kernel.
    @Test(arguments: shapes)
    func optimizedAgreesWithReference(shape s: ConvolutionShape) {
        #expect(s.isValid)
        let input = FloatTests.random(s.inputCount, seed: 30), weight = FloatTests.random(s.weightCount, seed: 31)
        let gradient = FloatTests.random(s.outputCount, seed: 32), bias = FloatTests.random(s.outChannels, seed: 33)
        let cases: [(Kernel, [Float], [Float], [Float]?)] = [
            (.forward, input, weight, bias), (.forward, input, weight, nil),
            (.backwardInput, gradient, weight, nil), (.backwardWeight, gradient, input, nil),
        ]
        for (kernel, a, b, bias) in cases {
            let reference = Self.run(kernel, a, b, bias: bias, s, optimized: false)
            let optimized = Self.run(kernel, a, b, bias: bias, s, optimized: true)
            // Terms are products of values in [−1, 1); sums run over at most a few hundred of them.
            FloatTests.expectClose(optimized, reference, tolerance: 2e-5, "\(kernel) \(s)")
        }
    }

    /// numpy's convolution built a different way: pad, then for each kernel tap add a strided slice of the
    /// padded input times that tap's weights (float64).
    static let numpyConvolution = """
        import sys, json, numpy as np
        n, c, o, g, h, w, kh, kw, sh, sw, ph, pw, dh, dw = map(int, sys.argv[1:])
        d = json.load(sys.stdin)
        x = np.array(d["x"], dtype=np.float64).reshape(n, c, h, w)
        k = np.array(d["w"], dtype=np.float64).reshape(o, c // g, kh, kw)
        oh, ow = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
        xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        out = np.zeros((n, o, oh, ow))
        cg = c // g
        for oc in range(o):
            first = (oc // (o // g)) * cg
            for i in range(kh):
                for j in range(kw):
                    patch = xp[:, first:first + cg, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
                    out[:, oc] += np.einsum("nchw,c->nhw", patch, k[oc, :, i, j])
        print(json.dumps(out.ravel().tolist()))
        """

    @Test(.enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"),
          arguments: shapes)
    func referenceAgreesWithNumpy(shape s: ConvolutionShape) throws {
        let input = FloatTests.random(s.inputCount, seed: 37), weight = FloatTests.random(s.weightCount, seed: 38)
        let arguments = [s.batch, s.inChannels, s.outChannels, s.groups, s.inHeight, s.inWidth, s.kernelHeight,
                         s.kernelWidth, s.strideHeight, s.strideWidth, s.paddingHeight, s.paddingWidth,
                         s.dilationHeight, s.dilationWidth].map(String.init)
        let json = try JSONEncoder().encode(["x": input, "w": weight])
        let expected = try JSONDecoder().decode(
            [Double].self, from: Data(try PythonEnvironment.run(["-c", Self.numpyConvolution] + arguments, input: json).utf8))
        let reference = Self.run(.forward, input, weight, s, optimized: false)
        FloatTests.expectClose(reference, expected, tolerance: Array(repeating: 1e-5, count: expected.count), "\(s)")
    }

    /// L(input, weight) = Σ output · r, in Double from the float forward pass.
    static func loss(_ input: [Float], _ weight: [Float], _ r: [Float], _ s: ConvolutionShape) -> Double {
        let out = run(.forward, input, weight, s, optimized: false)
        return zip(out, r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    // ∂L/∂input and ∂L/∂weight against central differences; L is linear in each, so only rounding separates them.
    @Test(arguments: [shapes[2], shapes[3], shapes[5]])
    func gradientsMatchFiniteDifferences(shape s: ConvolutionShape) {
        let input = FloatTests.random(s.inputCount, seed: 34), weight = FloatTests.random(s.weightCount, seed: 35)
        let r = FloatTests.random(s.outputCount, seed: 36)
        let inputGradient = Self.run(.backwardInput, r, weight, s, optimized: false)
        let weightGradient = Self.run(.backwardWeight, r, input, s, optimized: false)
        let h: Float = 0.125
        for i in 0..<s.inputCount {
            var plus = input, minus = input
            plus[i] += h
            minus[i] -= h
            let numeric = (Self.loss(plus, weight, r, s) - Self.loss(minus, weight, r, s)) / (2 * Double(h))
            #expect(abs(numeric - Double(inputGradient[i])) <= 1e-4, "∂L/∂input[\(i)]")
        }
        for i in 0..<s.weightCount {
            var plus = weight, minus = weight
            plus[i] += h
            minus[i] -= h
            let numeric = (Self.loss(input, plus, r, s) - Self.loss(input, minus, r, s)) / (2 * Double(h))
            #expect(abs(numeric - Double(weightGradient[i])) <= 1e-4, "∂L/∂weight[\(i)]")
        }
        var biasGradient = [Float](repeating: .nan, count: s.outChannels)
        r.withUnsafeBufferPointer { r in
            biasGradient.withUnsafeMutableBufferPointer { Convolution.backwardBias(r, into: $0, shape: s) }
        }
        let plane = s.outHeight * s.outWidth
        for o in 0..<s.outChannels {
            let expected = (0..<s.batch).reduce(0.0) { sum, n in
                sum + (0..<plane).reduce(0.0) { $0 + Double(r[(n * s.outChannels + o) * plane + $1]) }
            }
            #expect(abs(Double(biasGradient[o]) - expected) <= 1e-5, "∂L/∂bias[\(o)]")
        }
    }

    @Test func invalidShapesAreRecognized() {
        let ok = ConvolutionShape.oneDimensional(batch: 1, inChannels: 2, outChannels: 2, length: 5, kernel: 3)
        #expect(ok.isValid && ok.outWidth == 3)
        var tooLong = ok
        tooLong.kernelWidth = 6
        var badGroups = ok
        badGroups.groups = 3
        var zeroStride = ok
        zeroStride.strideWidth = 0
        var negativePadding = ok
        negativePadding.paddingWidth = -1
        for bad in [tooLong, badGroups, zeroStride, negativePadding] { #expect(!bad.isValid, "\(bad)") }
    }
}
