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

    /// Stride-1 1-D convolutions of one group go to `Direct`, which reads the padded signal in place. Others:
    /// im2col + one matrix multiply per group over the whole batch: the input patches of every batch item
    /// become one patchSize × (batch · outHeight · outWidth) matrix in scratch, so each kernel is a single
    /// MatrixMultiply.Optimized call per group with the batch in its wide dimension: forward W·cols (then
    /// reordered to NCHW, bias added on the way), input gradient col2im(Wᵀ·∂out), weight gradient ∂out·colsᵀ
    /// with depth batch · positions (the multiply packs colsᵀ from cols: building colsᵀ element by element
    /// had cost 14% of a teacher training step). `scratch` holds at least `shape.scratchCount` floats (it
    /// grows with batch).
    public enum Optimized {
        public static func forward(
            _ input: UnsafeBufferPointer<Float>, weight: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?,
            into output: UnsafeMutableBufferPointer<Float>, shape s: ConvolutionShape,
            scratch: UnsafeMutableBufferPointer<Float>
        ) {
            s.check(input: input.count, weight: weight.count, output: output.count)
            checkBias(bias, s)
            if Direct.handles(s), Direct.forwardScratch(s) <= scratch.count, let x = input.baseAddress,
               let w = weight.baseAddress, let y = output.baseAddress, let work = scratch.baseAddress {
                Direct.forward(x, weight: w, bias: bias?.baseAddress, into: y, shape: s, scratch: work)
                return
            }
            let parts = Parts(s, scratch)
            for g in 0..<s.groups {
                parts.imageToColumns(input, g)
                // One batch item: the group's output block is already the multiply's row-major result.
                let direct = s.batch == 1
                MatrixMultiply.Optimized.multiply(
                    parts.weights(weight, g), UnsafeBufferPointer(parts.columns),
                    into: direct ? output.slice(g * parts.groupOut * parts.plane, parts.groupOut * parts.plane)
                        : parts.staging,
                    m: parts.groupOut, n: parts.wide, k: s.patchSize, scratch: parts.multiplyScratch)
                if direct {
                    if let bias { parts.addBias(bias, output, g) }
                } else {
                    parts.stagingToBatch(output, g, bias: bias)
                }
            }
        }

        public static func backwardInput(
            _ outputGradient: UnsafeBufferPointer<Float>, weight: UnsafeBufferPointer<Float>,
            into inputGradient: UnsafeMutableBufferPointer<Float>, shape s: ConvolutionShape,
            scratch: UnsafeMutableBufferPointer<Float>
        ) {
            s.check(input: inputGradient.count, weight: weight.count, output: outputGradient.count)
            if Direct.handlesInputGradient(s), Direct.inputGradientScratch(s) <= scratch.count,
               let dy = outputGradient.baseAddress, let w = weight.baseAddress, let dx = inputGradient.baseAddress,
               let work = scratch.baseAddress {
                Direct.backwardInput(dy, weight: w, into: dx, shape: s, scratch: work)
                return
            }
            let parts = Parts(s, scratch)
            for index in 0..<inputGradient.count { inputGradient[index] = 0 }
            for g in 0..<s.groups {
                MatrixMultiply.Optimized.multiply(
                    parts.weights(weight, g), parts.batchOutputs(outputGradient, g),
                    into: parts.columns, m: s.patchSize, n: parts.wide, k: parts.groupOut, transposeA: true,
                    scratch: parts.multiplyScratch)
                parts.columnsToImage(inputGradient, g)
            }
        }

        public static func backwardWeight(
            _ outputGradient: UnsafeBufferPointer<Float>, input: UnsafeBufferPointer<Float>,
            into weightGradient: UnsafeMutableBufferPointer<Float>, shape s: ConvolutionShape,
            scratch: UnsafeMutableBufferPointer<Float>
        ) {
            s.check(input: input.count, weight: weightGradient.count, output: outputGradient.count)
            if Direct.handles(s), Direct.weightGradientScratch(s) <= scratch.count, let dy = outputGradient.baseAddress,
               let x = input.baseAddress, let dw = weightGradient.baseAddress, let work = scratch.baseAddress {
                Direct.backwardWeight(dy, input: x, into: dw, shape: s, scratch: work)
                return
            }
            let parts = Parts(s, scratch)
            for g in 0..<s.groups {
                parts.imageToColumns(input, g)
                MatrixMultiply.Optimized.multiply(
                    parts.batchOutputs(outputGradient, g), UnsafeBufferPointer(parts.columns),
                    into: parts.weights(weightGradient, g), m: parts.groupOut, n: s.patchSize, k: parts.wide,
                    transposeB: true, scratch: parts.multiplyScratch)
            }
        }

        /// The im2col matrix of one group (patchSize × wide, wide = batch · positions, column n · positions +
        /// position), a staging matrix for one group's outputs in that column order (groupOut × wide), and the
        /// multiply's scratch, carved from the caller's scratch in that order.
        struct Parts {
            let s: ConvolutionShape
            let plane: Int, wide: Int, groupIn: Int, groupOut: Int
            let columns: UnsafeMutableBufferPointer<Float>
            let staging: UnsafeMutableBufferPointer<Float>
            let multiplyScratch: UnsafeMutableBufferPointer<Float>

            init(_ s: ConvolutionShape, _ scratch: UnsafeMutableBufferPointer<Float>) {
                precondition(scratch.count >= s.scratchCount, "scratch needs shape.scratchCount floats")
                self.s = s
                plane = s.outHeight * s.outWidth
                wide = s.batch * plane
                groupIn = s.inChannels / s.groups
                groupOut = s.outChannels / s.groups
                let columnCount = s.patchSize * wide
                let stagingCount = s.batch == 1 ? 0 : groupOut * wide
                columns = scratch.slice(0, columnCount)
                staging = scratch.slice(columnCount, stagingCount)
                multiplyScratch = UnsafeMutableBufferPointer(rebasing: scratch[(columnCount + stagingCount)...])
            }

            func weights<P>(_ w: P, _ g: Int) -> P where P: RebasableFloats {
                w.slice(g * groupOut * s.patchSize, groupOut * s.patchSize)
            }

            /// One group's rows of an output-shaped tensor as a groupOut × wide matrix: the tensor itself when the
            /// batch is one item, else gathered into `staging`.
            func batchOutputs(_ out: UnsafeBufferPointer<Float>, _ g: Int) -> UnsafeBufferPointer<Float> {
                if s.batch == 1 { return out.slice(g * groupOut * plane, groupOut * plane) }
                guard let source = out.baseAddress, let target = staging.baseAddress else { return UnsafeBufferPointer(staging) }
                for n in 0..<s.batch {
                    for o in 0..<groupOut {
                        (target + o * wide + n * plane).update(
                            from: source + ((n * s.outChannels + g * groupOut + o) * plane), count: plane)
                    }
                }
                return UnsafeBufferPointer(staging)
            }

            /// Scatters `staging` (groupOut × wide) into the group's channels of NCHW `output`, adding the bias.
            func stagingToBatch(_ output: UnsafeMutableBufferPointer<Float>, _ g: Int, bias: UnsafeBufferPointer<Float>?) {
                guard let target = output.baseAddress, let source = staging.baseAddress else { return }
                for n in 0..<s.batch {
                    for o in 0..<groupOut {
                        let to = target + (n * s.outChannels + g * groupOut + o) * plane
                        let from = source + o * wide + n * plane
                        if let bias {
                            let b = bias[g * groupOut + o]
                            for p in 0..<plane { to[p] = from[p] + b }
                        } else {
                            to.update(from: from, count: plane)
                        }
                    }
                }
            }

            func addBias(_ bias: UnsafeBufferPointer<Float>, _ output: UnsafeMutableBufferPointer<Float>, _ g: Int) {
                guard let base = output.baseAddress else { return }
                for o in 0..<groupOut {
                    let row = base + (g * groupOut + o) * plane
                    let b = bias[g * groupOut + o]
                    for p in 0..<plane { row[p] += b }
                }
            }

            /// columns[(c·kh + i)·kw + j][n·plane + y·outW + x] = input[n, g·groupIn + c, y·s − p + i·d,
            /// x·s − p + j·d], or 0 in the padding.
            func imageToColumns(_ input: UnsafeBufferPointer<Float>, _ g: Int) {
                guard let source = input.baseAddress, let target = columns.baseAddress else { return }
                forEachColumnRun(g) { column, image, count in
                    if let image {
                        if s.strideWidth == 1 {
                            (target + column).update(from: source + image, count: count)
                        } else {
                            for x in 0..<count { target[column + x] = source[image + x * s.strideWidth] }
                        }
                    } else {
                        (target + column).update(repeating: 0, count: count)
                    }
                }
            }

            /// The adjoint of imageToColumns: adds each column entry back onto the input position it came from.
            func columnsToImage(_ image: UnsafeMutableBufferPointer<Float>, _ g: Int) {
                guard let target = image.baseAddress, let source = columns.baseAddress else { return }
                forEachColumnRun(g) { column, imageIndex, count in
                    guard let imageIndex else { return }
                    let step = s.strideWidth
                    if step == 1 {
                        // Vectorized: a strided loop is not, and this is a tenth of a generator step.
                        let run = UnsafeMutableBufferPointer(start: target + imageIndex, count: count)
                        Elementwise.Optimized.add(UnsafeBufferPointer(run),
                                                  UnsafeBufferPointer(start: source + column, count: count), into: run)
                    } else {
                        for x in 0..<count { target[imageIndex + x * step] += source[column + x] }
                    }
                }
            }

            /// Calls body(column index, image index or nil for padding, count) for runs of consecutive column
            /// entries: a run of `count` entries from `column` on reads the image from `image` on, `strideWidth`
            /// apart, or is padding throughout. Every column entry of the group lies in exactly one run.
            @inline(__always)
            func forEachColumnRun(_ g: Int, _ body: (Int, Int?, Int) -> Void) {
                let (outH, outW) = (s.outHeight, s.outWidth)
                let (sw, pw, dw) = (s.strideWidth, s.paddingWidth, s.dilationWidth)
                var column = 0
                for c in 0..<groupIn {
                    for ki in 0..<s.kernelHeight {
                        for kj in 0..<s.kernelWidth {
                            // Output columns x with 0 ≤ x·sw − pw + kj·dw < inWidth: [first, last).
                            let shift = kj * dw - pw
                            let first = shift >= 0 ? 0 : min(outW, (-shift + sw - 1) / sw)
                            let last = max(first, min(outW, shift >= s.inWidth ? 0 : (s.inWidth - shift + sw - 1) / sw))
                            for n in 0..<s.batch {
                                let channel = (n * s.inChannels + g * groupIn + c) * s.inHeight
                                for y in 0..<outH {
                                    let iy = y * s.strideHeight - s.paddingHeight + ki * s.dilationHeight
                                    if iy < 0 || iy >= s.inHeight {
                                        body(column, nil, outW)
                                    } else {
                                        if first > 0 { body(column, nil, first) }
                                        if last > first {
                                            body(column + first, (channel + iy) * s.inWidth + first * sw + shift, last - first)
                                        }
                                        if last < outW { body(column + last, nil, outW - last) }
                                    }
                                    column += outW
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

    /// ∂L/∂bias[o] = Σ over batch and positions of ∂L/∂output[n, o, ·, ·]: each example's plane summed eight
    /// positions at a time (a scalar loop was 4% of a teacher training step), then the examples in order.
    public static func backwardBias(
        _ outputGradient: UnsafeBufferPointer<Float>, into biasGradient: UnsafeMutableBufferPointer<Float>,
        shape s: ConvolutionShape
    ) {
        precondition(s.isValid && outputGradient.count == s.outputCount && biasGradient.count == s.outChannels,
                     "convolution buffers do not match the shape")
        guard let base = outputGradient.baseAddress else { return }
        let plane = s.outHeight * s.outWidth
        for o in 0..<s.outChannels { biasGradient[o] = 0 }
        for n in 0..<s.batch {
            for o in 0..<s.outChannels {
                let row = UnsafeBufferPointer(start: base + (n * s.outChannels + o) * plane, count: plane)
                biasGradient[o] += Reduction.Optimized.sum(row)
            }
        }
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
