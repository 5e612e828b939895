import Foundation
import Testing
import StimKernels

/// Element-wise kernels, activations and reductions. Float + and · are correctly rounded, and a product or
/// sum of two floats is exact in Double, so Float(Double(x) op Double(y)) is an independent exact reference.
@Suite struct FloatElementwiseTests {
    static let counts = [0, 1, 7, 8, 9, 63, 1000]

    enum Kernel: CaseIterable { case add, multiply, axpy, scale }

    static func run(_ kernel: Kernel, _ x: [Float], _ y: [Float], optimized: Bool) -> [Float] {
        var out = y
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                out.withUnsafeMutableBufferPointer { out in
                    switch (kernel, optimized) {
                    case (.add, false): Elementwise.Reference.add(x, y, into: out)
                    case (.add, true): Elementwise.Optimized.add(x, y, into: out)
                    case (.multiply, false): Elementwise.Reference.multiply(x, y, into: out)
                    case (.multiply, true): Elementwise.Optimized.multiply(x, y, into: out)
                    case (.axpy, false): Elementwise.Reference.axpy(0.375, x, out)
                    case (.axpy, true): Elementwise.Optimized.axpy(0.375, x, out)
                    case (.scale, false): Elementwise.Reference.scale(-2.5, out)
                    case (.scale, true): Elementwise.Optimized.scale(-2.5, out)
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: Kernel.allCases)
    func referenceIsCorrectlyRoundedAndOptimizedIdentical(kernel: Kernel) {
        for count in Self.counts {
            let x = FloatTests.random(count, seed: 10), y = FloatTests.random(count, seed: 11)
            let expected: [Float] = (0..<count).map { i in
                let (a, b) = (Double(x[i]), Double(y[i]))
                switch kernel {
                case .add: return Float(a + b)
                case .multiply: return Float(a * b)
                case .axpy: return Float(b + Double(Float(0.375 * a)))
                case .scale: return Float(-2.5 * b)
                }
            }
            #expect(Self.run(kernel, x, y, optimized: false) == expected, "\(kernel) reference, count \(count)")
            #expect(Self.run(kernel, x, y, optimized: true) == expected, "\(kernel) optimized, count \(count)")
        }
    }

    static func activation(_ x: [Float], _ body: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void)
        -> [Float] {
        var out = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { body(x, $0) } }
        return out
    }

    @Test func reluAndLeakyReluByHand() {
        let x: [Float] = [-2, -0.0, 0, 0.5, 3]
        let g: [Float] = [10, 20, 30, 40, 50]
        #expect(Self.activation(x) { Activation.relu($0, into: $1) } == [0, 0, 0, 0.5, 3])
        #expect(Self.activation(x) { Activation.leakyRelu($0, slope: 0.25, into: $1) } == [-0.5, 0, 0, 0.5, 3])
        g.withUnsafeBufferPointer { g in
            #expect(Self.activation(x) { Activation.reluBackward($0, gradient: g, into: $1) } == [0, 0, 0, 40, 50])
            #expect(Self.activation(x) { Activation.leakyReluBackward($0, slope: 0.25, gradient: g, into: $1) }
                == [2.5, 5, 7.5, 40, 50])
        }
    }

    // σ′(x) = σ(x)(1 − σ(x)) and tanh′(x) = 1/cosh²(x), evaluated in Double.
    @Test func sigmoidAndTanhGradients() {
        let x = FloatTests.random(200, seed: 12).map { $0 * 6 }
        let g = FloatTests.random(200, seed: 13)
        let sigma = Self.activation(x) { Activation.sigmoid($0, into: $1) }
        let tanh = Self.activation(x) { Activation.tanh($0, into: $1) }
        let (sigmaGrad, tanhGrad) = g.withUnsafeBufferPointer { g in
            (Self.activation(sigma) { Activation.sigmoidBackward($0, gradient: g, into: $1) },
             Self.activation(tanh) { Activation.tanhBackward($0, gradient: g, into: $1) })
        }
        for i in 0..<x.count {
            let s = 1 / (1 + Foundation.exp(-Double(x[i])))
            let c = (Foundation.exp(Double(x[i])) + Foundation.exp(-Double(x[i]))) / 2
            #expect(abs(Double(sigma[i]) - s) <= 3e-7, "σ(\(x[i]))")
            #expect(abs(Double(sigmaGrad[i]) - Double(g[i]) * s * (1 - s)) <= 1e-6, "σ′(\(x[i]))")
            #expect(abs(Double(tanhGrad[i]) - Double(g[i]) / (c * c)) <= 2e-6, "tanh′(\(x[i]))")
        }
    }

    @Test func sumsAgreeWithDoubleWithinRoundingBound() {
        for count in Self.counts {
            let x = FloatTests.random(count, seed: 14)
            let exactSum = x.reduce(0.0) { $0 + Double($1) }
            let exactSquares = x.reduce(0.0) { $0 + Double($1) * Double($1) }
            let magnitude = x.reduce(0.0) { $0 + abs(Double($1)) }
            let bound = Double(count + 1) * 6e-8 * magnitude
            x.withUnsafeBufferPointer { p in
                #expect(abs(Double(Reduction.Reference.sum(p)) - exactSum) <= bound, "reference sum, \(count)")
                #expect(abs(Double(Reduction.Optimized.sum(p)) - exactSum) <= bound, "optimized sum, \(count)")
                #expect(abs(Double(Reduction.Reference.sumOfSquares(p)) - exactSquares) <= bound, "reference Σx², \(count)")
                #expect(abs(Double(Reduction.Optimized.sumOfSquares(p)) - exactSquares) <= bound, "optimized Σx², \(count)")
                if count > 0 {
                    #expect(abs(Double(Reduction.mean(p)) - exactSum / Double(count)) <= bound / Double(count) + 1e-7)
                    let top = x.max()!
                    #expect(Reduction.max(p) == top)
                    #expect(Reduction.argmax(p) == x.firstIndex(of: top))
                }
            }
        }
    }

    @Test func maxAndArgmaxEdgeCases() {
        let cases: [([Float], Int?)] = [([], nil), ([-1], 0), ([1, 3, 3, 2], 1), ([-.infinity, -5], 1),
                                        ([1, .nan, 5, .nan], 1)]
        for (x, expected) in cases {
            x.withUnsafeBufferPointer { p in
                #expect(Reduction.argmax(p) == expected, "\(x)")
                if let index = expected {
                    #expect(Reduction.max(p).bitPattern == x[index].bitPattern, "\(x)")
                } else {
                    #expect(Reduction.max(p) == -.infinity)
                }
            }
        }
        [Float]().withUnsafeBufferPointer { #expect(Reduction.mean($0).isNaN) }
    }
}

