/// 2-D convolution (cross-correlation, as in every deep-learning framework) over NCHW float32 tensors,
/// and its two gradients; 1-D convolution over NCW is `ConvolutionShape.oneDimensional`. The gradient
/// with respect to the input is also the transposed convolution that generators use to upsample.
/// Layouts: `ConvolutionShape`. Every kernel overwrites its output.
public enum Convolution {
    /// Loops straight from the definition: out[n, o, y, x] = bias[o] + Σ w[o, c, i, j] ·
    /// in[n, g·C + c, y·s − p + i·d, x·s − p + j·d] over taps that land inside the input.
    public enum Reference {
        public static func forward(
            _ input: UnsafeBufferPointer<Float>, weight: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?,
            into output: UnsafeMutableBufferPointer<Float>, shape: ConvolutionShape
        ) {
            shape.check(input: input.count, weight: weight.count, output: output.count)
            checkBias(bias, shape)
            let plane = shape.outHeight * shape.outWidth
            for index in 0..<output.count { output[index] = bias?[(index / plane) % shape.outChannels] ?? 0 }
            forEachTap(shape) { o, i, w in output[o] += weight[w] * input[i] }
        }

        /// ∂L/∂input from ∂L/∂output: every output gradient flows back along the taps that produced it.
        public static func backwardInput(
            _ outputGradient: UnsafeBufferPointer<Float>, weight: UnsafeBufferPointer<Float>,
            into inputGradient: UnsafeMutableBufferPointer<Float>, shape: ConvolutionShape
        ) {
            shape.check(input: inputGradient.count, weight: weight.count, output: outputGradient.count)
            for index in 0..<inputGradient.count { inputGradient[index] = 0 }
            forEachTap(shape) { o, i, w in inputGradient[i] += weight[w] * outputGradient[o] }
        }

        /// ∂L/∂weight from ∂L/∂output and the forward input, summed over the batch.
        public static func backwardWeight(
            _ outputGradient: UnsafeBufferPointer<Float>, input: UnsafeBufferPointer<Float>,
            into weightGradient: UnsafeMutableBufferPointer<Float>, shape: ConvolutionShape
        ) {
            shape.check(input: input.count, weight: weightGradient.count, output: outputGradient.count)
            for index in 0..<weightGradient.count { weightGradient[index] = 0 }
            forEachTap(shape) { o, i, w in weightGradient[w] += outputGradient[o] * input[i] }
        }

        /// Calls body(output index, input index, weight index) for every tap inside the input, in the
        /// order batch, output channel, output row, output column, input channel, kernel row, kernel column.
        @inline(__always)
        static func forEachTap(_ s: ConvolutionShape, _ body: (Int, Int, Int) -> Void) {
            let groupIn = s.inChannels / s.groups, groupOut = s.outChannels / s.groups
            let (outH, outW) = (s.outHeight, s.outWidth)
            for n in 0..<s.batch {
                for oc in 0..<s.outChannels {
                    let firstIn = (oc / groupOut) * groupIn
                    for y in 0..<outH {
                        for x in 0..<outW {
                            let o = ((n * s.outChannels + oc) * outH + y) * outW + x
                            for c in 0..<groupIn {
                                for ki in 0..<s.kernelHeight {
                                    let iy = y * s.strideHeight - s.paddingHeight + ki * s.dilationHeight
                                    if iy < 0 || iy >= s.inHeight { continue }
                                    for kj in 0..<s.kernelWidth {
                                        let ix = x * s.strideWidth - s.paddingWidth + kj * s.dilationWidth
                                        if ix < 0 || ix >= s.inWidth { continue }
                                        let i = ((n * s.inChannels + firstIn + c) * s.inHeight + iy) * s.inWidth + ix
                                        let w = ((oc * groupIn + c) * s.kernelHeight + ki) * s.kernelWidth + kj
                                        body(o, i, w)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// im2col + matrix multiply per (batch item, group): the input patches become a patchSize ×
    /// (outHeight · outWidth) matrix in scratch, so each kernel is one MatrixMultiply.Optimized call:
    /// forward W·cols, input gradient col2im(Wᵀ·∂out), weight gradient Σₙ ∂out·colsᵀ.
    /// `scratch` holds at least `shape.scratchCount` floats.
    public enum Optimized {
        public static func forward(
            _ input: UnsafeBufferPointer<Float>, weight: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?,
            into output: UnsafeMutableBufferPointer<Float>, shape s: ConvolutionShape,
            scratch: UnsafeMutableBufferPointer<Float>
        ) {
            s.check(input: input.count, weight: weight.count, output: output.count)
            checkBias(bias, s)
            let parts = Parts(s, scratch)
            for n in 0..<s.batch {
                for g in 0..<s.groups {
                    parts.imageToColumns(input, n, g)
                    MatrixMultiply.Optimized.multiply(
                        parts.weights(weight, g), UnsafeBufferPointer(parts.columns), into: parts.outputs(output, n, g),
                        m: parts.groupOut, n: parts.plane, k: s.patchSize, scratch: parts.multiplyScratch)
                }
            }
            if let bias {
                for index in 0..<output.count { output[index] += bias[(index / parts.plane) % s.outChannels] }
            }
        }

        public static func backwardInput(
            _ outputGradient: UnsafeBufferPointer<Float>, weight: UnsafeBufferPointer<Float>,
            into inputGradient: UnsafeMutableBufferPointer<Float>, shape s: ConvolutionShape,
            scratch: UnsafeMutableBufferPointer<Float>
        ) {
            s.check(input: inputGradient.count, weight: weight.count, output: outputGradient.count)
            let parts = Parts(s, scratch)
            for index in 0..<inputGradient.count { inputGradient[index] = 0 }
            for n in 0..<s.batch {
                for g in 0..<s.groups {
                    MatrixMultiply.Optimized.multiply(
                        parts.weights(weight, g), parts.outputs(outputGradient, n, g),
                        into: parts.columns, m: s.patchSize, n: parts.plane, k: parts.groupOut, transposeA: true,
                        scratch: parts.multiplyScratch)
                    parts.columnsToImage(inputGradient, n, g)
                }
            }
        }

        public static func backwardWeight(
            _ outputGradient: UnsafeBufferPointer<Float>, input: UnsafeBufferPointer<Float>,
            into weightGradient: UnsafeMutableBufferPointer<Float>, shape s: ConvolutionShape,
            scratch: UnsafeMutableBufferPointer<Float>
        ) {
            s.check(input: input.count, weight: weightGradient.count, output: outputGradient.count)
            let parts = Parts(s, scratch)
            for n in 0..<s.batch {
                for g in 0..<s.groups {
                    parts.imageToColumns(input, n, g)
                    MatrixMultiply.Optimized.multiply(
                        parts.outputs(outputGradient, n, g), UnsafeBufferPointer(parts.columns),
                        into: parts.weights(weightGradient, g), m: parts.groupOut, n: s.patchSize, k: parts.plane,
                        transposeB: true, beta: n == 0 ? 0 : 1, scratch: parts.multiplyScratch)
                }
            }
        }

        /// Views of the buffers for one (batch item, group), and the im2col scratch.
        struct Parts {
            let s: ConvolutionShape
            let plane: Int, groupIn: Int, groupOut: Int
            let columns: UnsafeMutableBufferPointer<Float>
            let multiplyScratch: UnsafeMutableBufferPointer<Float>

            init(_ s: ConvolutionShape, _ scratch: UnsafeMutableBufferPointer<Float>) {
                precondition(scratch.count >= s.scratchCount, "scratch needs shape.scratchCount floats")
                self.s = s
                plane = s.outHeight * s.outWidth
                groupIn = s.inChannels / s.groups
                groupOut = s.outChannels / s.groups
                let columnCount = s.patchSize * plane
                columns = UnsafeMutableBufferPointer(rebasing: scratch[0..<columnCount])
                multiplyScratch = UnsafeMutableBufferPointer(rebasing: scratch[columnCount...])
            }

            func weights<P>(_ w: P, _ g: Int) -> P where P: RebasableFloats {
                w.slice(g * groupOut * s.patchSize, groupOut * s.patchSize)
            }

            func outputs<P>(_ out: P, _ n: Int, _ g: Int) -> P where P: RebasableFloats {
                out.slice((n * s.outChannels + g * groupOut) * plane, groupOut * plane)
            }

            /// columns[(c·kh + i)·kw + j][y·outW + x] = input[n, g·groupIn + c, y·s − p + i·d, x·s − p + j·d], or 0 in the padding.
            func imageToColumns(_ input: UnsafeBufferPointer<Float>, _ n: Int, _ g: Int) {
                forEachColumnEntry(n, g) { column, source in columns[column] = source.map { input[$0] } ?? 0 }
            }

            /// The adjoint of imageToColumns: adds each column entry back onto the input position it came from.
            func columnsToImage(_ image: UnsafeMutableBufferPointer<Float>, _ n: Int, _ g: Int) {
                forEachColumnEntry(n, g) { column, source in
                    if let source { image[source] += columns[column] }
                }
            }

            @inline(__always)
            func forEachColumnEntry(_ n: Int, _ g: Int, _ body: (Int, Int?) -> Void) {
                let (outH, outW) = (s.outHeight, s.outWidth)
                var column = 0
                for c in 0..<groupIn {
                    let channel = (n * s.inChannels + g * groupIn + c) * s.inHeight
                    for ki in 0..<s.kernelHeight {
                        for kj in 0..<s.kernelWidth {
                            for y in 0..<outH {
                                let iy = y * s.strideHeight - s.paddingHeight + ki * s.dilationHeight
                                let rowInside = iy >= 0 && iy < s.inHeight
                                for x in 0..<outW {
                                    let ix = x * s.strideWidth - s.paddingWidth + kj * s.dilationWidth
                                    body(column, rowInside && ix >= 0 && ix < s.inWidth
                                        ? (channel + iy) * s.inWidth + ix : nil)
                                    column += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static func checkBias(_ bias: UnsafeBufferPointer<Float>?, _ s: ConvolutionShape) {
        precondition(bias == nil || bias?.count == s.outChannels, "bias needs one value per output channel")
    }

    /// ∂L/∂bias[o] = Σ over batch and positions of ∂L/∂output[n, o, ·, ·].
    public static func backwardBias(
        _ outputGradient: UnsafeBufferPointer<Float>, into biasGradient: UnsafeMutableBufferPointer<Float>,
        shape s: ConvolutionShape
    ) {
        precondition(s.isValid && outputGradient.count == s.outputCount && biasGradient.count == s.outChannels,
                     "convolution buffers do not match the shape")
        let plane = s.outHeight * s.outWidth
        for o in 0..<s.outChannels { biasGradient[o] = 0 }
        for index in 0..<outputGradient.count { biasGradient[(index / plane) % s.outChannels] += outputGradient[index] }
    }
}

/// A float buffer (read-only or mutable) that can hand out a sub-range of itself as the same type.
protocol RebasableFloats {
    func slice(_ start: Int, _ count: Int) -> Self
}

extension UnsafeBufferPointer<Float>: RebasableFloats {
    func slice(_ start: Int, _ count: Int) -> Self { UnsafeBufferPointer(rebasing: self[start..<(start + count)]) }
}

extension UnsafeMutableBufferPointer<Float>: RebasableFloats {
    func slice(_ start: Int, _ count: Int) -> Self { UnsafeMutableBufferPointer(rebasing: self[start..<(start + count)]) }
}
