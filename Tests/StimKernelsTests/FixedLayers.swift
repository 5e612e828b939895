import Testing
@testable import StimKernels

/// Runs the integer layers on arrays, and builds random quantized layers for the fixed-point tests.
enum FixedLayers {
    static func withOptional<T, R>(_ a: [T]?, _ body: (UnsafeBufferPointer<T>?) -> R) -> R {
        if let a { return a.withUnsafeBufferPointer { body($0) } }
        return body(nil)
    }

    /// The int8 convolution (`optimized` with exactly `scratchCount` of scratch), on arrays.
    static func int8Conv(optimized: Bool, _ x: [Int8], zeroPoint: Int32, _ w: [Int8], _ bias: [Int32]?,
                         _ m: [QuantizedMultiplier], _ stage: Int8Output, _ s: ConvolutionShape) -> [Int8] {
        var y = [Int8](repeating: 99, count: s.outputCount)
        var scratch = [Int8](repeating: 55, count: Int8Convolution.scratchCount(s))
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                withOptional(bias) { b in
                    m.withUnsafeBufferPointer { m in
                        y.withUnsafeMutableBufferPointer { y in
                            if optimized {
                                scratch.withUnsafeMutableBufferPointer {
                                    Int8Convolution.optimized(x, inputZeroPoint: zeroPoint, weight: w, bias: b, multipliers: m,
                                                              output: stage, into: y, shape: s, scratch: $0)
                                }
                            } else {
                                Int8Convolution.reference(x, inputZeroPoint: zeroPoint, weight: w, bias: b, multipliers: m,
                                                          output: stage, into: y, shape: s)
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    static func int16Conv(optimized: Bool, _ x: [Int16], _ w: [Int8], _ bias: [Int64]?,
                          _ m: [QuantizedMultiplier], _ stage: Int16Output, _ s: ConvolutionShape) -> [Int16] {
        var y = [Int16](repeating: 99, count: s.outputCount)
        var scratch = [Int16](repeating: 55, count: Int16Convolution.scratchCount(s))
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                withOptional(bias) { b in
                    m.withUnsafeBufferPointer { m in
                        y.withUnsafeMutableBufferPointer { y in
                            if optimized {
                                scratch.withUnsafeMutableBufferPointer {
                                    Int16Convolution.optimized(x, weight: w, bias: b, multipliers: m, output: stage, into: y,
                                                               shape: s, scratch: $0)
                                }
                            } else {
                                Int16Convolution.reference(x, weight: w, bias: b, multipliers: m, output: stage, into: y, shape: s)
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    static func int8Dense(optimized: Bool, _ x: [Int8], zeroPoint: Int32, _ w: [Int8], _ bias: [Int32]?,
                          _ m: [QuantizedMultiplier], _ stage: Int8Output, batch: Int, inputs: Int, outputs: Int) -> [Int8] {
        var y = [Int8](repeating: 99, count: batch * outputs)
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                withOptional(bias) { b in
                    m.withUnsafeBufferPointer { m in
                        y.withUnsafeMutableBufferPointer { y in
                            let kernel = optimized ? Int8Dense.optimized : Int8Dense.reference
                            kernel(x, zeroPoint, w, b, m, stage, y, batch, inputs, outputs)
                        }
                    }
                }
            }
        }
        return y
    }

    static func int16Dense(optimized: Bool, _ x: [Int16], _ w: [Int8], _ bias: [Int64]?,
                           _ m: [QuantizedMultiplier], _ stage: Int16Output, batch: Int, inputs: Int, outputs: Int) -> [Int16] {
        var y = [Int16](repeating: 99, count: batch * outputs)
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                withOptional(bias) { b in
                    m.withUnsafeBufferPointer { m in
                        y.withUnsafeMutableBufferPointer { y in
                            let kernel = optimized ? Int16Dense.optimized : Int16Dense.reference
                            kernel(x, w, b, m, stage, y, batch, inputs, outputs)
                        }
                    }
                }
            }
        }
        return y
    }

    /// Random multipliers over a wide range of scales, sometimes zero or above 1.
    static func multipliers(_ count: Int, _ rng: inout Xoshiro256StarStar) -> [QuantizedMultiplier] {
        (0..<count).map { _ in
            let scale = rng.nextInt(in: 0..<20) == 0 ? 0 : rng.nextDouble(in: 0.5..<1) * Double(1 << rng.nextInt(in: 0..<12)) / 1024
            return try! QuantizedMultiplier(scale)
        }
    }

    static func int16s(_ count: Int, _ rng: inout Xoshiro256StarStar) -> [Int16] {
        (0..<count).map { _ in Int16(truncatingIfNeeded: rng.next()) }
    }

    /// A random valid convolution shape, 1-D or 2-D, with groups, stride, padding and dilation.
    static func shape(_ rng: inout Xoshiro256StarStar) -> ConvolutionShape {
        while true {
            let groups = rng.nextInt(in: 0..<4) == 0 ? rng.nextInt(in: 2...3) : 1
            let inC = groups * rng.nextInt(in: 1...4), outC = groups * rng.nextInt(in: 1...6)
            let s: ConvolutionShape
            if rng.nextInt(in: 0..<2) == 0 {
                s = .oneDimensional(batch: rng.nextInt(in: 1...2), inChannels: inC, outChannels: outC, groups: groups,
                                    length: rng.nextInt(in: 1...40), kernel: rng.nextInt(in: 1...7), stride: rng.nextInt(in: 1...3),
                                    padding: rng.nextInt(in: 0...3), dilation: rng.nextInt(in: 1...3))
            } else {
                s = ConvolutionShape(batch: rng.nextInt(in: 1...2), inChannels: inC, outChannels: outC, groups: groups,
                                     inHeight: rng.nextInt(in: 1...9), inWidth: rng.nextInt(in: 1...9),
                                     kernelHeight: rng.nextInt(in: 1...4), kernelWidth: rng.nextInt(in: 1...4),
                                     strideHeight: rng.nextInt(in: 1...2), strideWidth: rng.nextInt(in: 1...3),
                                     paddingHeight: rng.nextInt(in: 0...2), paddingWidth: rng.nextInt(in: 0...2),
                                     dilationHeight: rng.nextInt(in: 1...2), dilationWidth: rng.nextInt(in: 1...2))
            }
            if s.isValid { return s }
        }
    }

    /// The convolution in Double straight from the definition (padding is real 0): the float side of the
    /// "quantized within one step of float" tests. A dense layer is the case of a 1 × 1 input and kernel.
    static func convolution(_ x: [Double], _ w: [Double], _ bias: [Double], _ s: ConvolutionShape) -> [Double] {
        var y = [Double](repeating: 0, count: s.outputCount)
        let groupIn = s.inChannels / s.groups, groupOut = s.outChannels / s.groups
        for n in 0..<s.batch {
            for oc in 0..<s.outChannels {
                for oy in 0..<s.outHeight {
                    for ox in 0..<s.outWidth {
                        var sum = bias[oc]
                        for c in 0..<groupIn {
                            for ki in 0..<s.kernelHeight {
                                for kj in 0..<s.kernelWidth {
                                    let iy = oy * s.strideHeight - s.paddingHeight + ki * s.dilationHeight
                                    let ix = ox * s.strideWidth - s.paddingWidth + kj * s.dilationWidth
                                    guard iy >= 0, iy < s.inHeight, ix >= 0, ix < s.inWidth else { continue }
                                    let input = ((n * s.inChannels + (oc / groupOut) * groupIn + c) * s.inHeight + iy) * s.inWidth + ix
                                    sum += x[input] * w[((oc * groupIn + c) * s.kernelHeight + ki) * s.kernelWidth + kj]
                                }
                            }
                        }
                        y[((n * s.outChannels + oc) * s.outHeight + oy) * s.outWidth + ox] = sum
                    }
                }
            }
        }
        return y
    }

    /// Symmetric per-channel int8 weights of random reals, with their scales.
    static func weights(_ s: ConvolutionShape, _ rng: inout Xoshiro256StarStar) -> (q: [Int8], scales: [Float]) {
        let w = (0..<s.weightCount).map { i in Float(rng.nextNormal()) * Float(1 + i % 3) / 4 }
        var q = [Int8](repeating: 0, count: w.count), scales = [Float](repeating: 0, count: s.outChannels)
        w.withUnsafeBufferPointer { w in
            q.withUnsafeMutableBufferPointer { q in
                scales.withUnsafeMutableBufferPointer { try! quantizeSymmetricPerChannel(w, channels: s.outChannels, into: q, scales: $0) }
            }
        }
        return (q, scales)
    }
}
