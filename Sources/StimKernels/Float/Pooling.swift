/// The geometry of 2-D pooling over NCHW tensors ([batch, channels, height, width], row-major); 1-D
/// pooling over NCW is the case height = kernelHeight = 1 (`oneDimensional`).
public struct PoolShape: Equatable, Sendable {
    public var batch: Int
    public var channels: Int
    public var inHeight: Int
    public var inWidth: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var paddingHeight: Int
    public var paddingWidth: Int

    public init(batch: Int, channels: Int, inHeight: Int, inWidth: Int, kernelHeight: Int, kernelWidth: Int,
                strideHeight: Int, strideWidth: Int, paddingHeight: Int = 0, paddingWidth: Int = 0) {
        self.batch = batch
        self.channels = channels
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.paddingHeight = paddingHeight
        self.paddingWidth = paddingWidth
    }

    public static func oneDimensional(batch: Int, channels: Int, length: Int, kernel: Int, stride: Int,
                                      padding: Int = 0) -> PoolShape {
        PoolShape(batch: batch, channels: channels, inHeight: 1, inWidth: length, kernelHeight: 1, kernelWidth: kernel,
                  strideHeight: 1, strideWidth: stride, paddingWidth: padding)
    }

    public var outHeight: Int { (inHeight + 2 * paddingHeight - kernelHeight) / strideHeight + 1 }
    public var outWidth: Int { (inWidth + 2 * paddingWidth - kernelWidth) / strideWidth + 1 }

    /// Positive sizes, a window no larger than the padded input, and padding smaller than the window, so
    /// every window overlaps the input (a window of padding alone would have no maximum and no mean).
    public var isValid: Bool {
        // Spelled out rather than an array's allSatisfy: every kernel call checks this, and must not allocate.
        batch > 0 && channels > 0 && inHeight > 0 && inWidth > 0 && kernelHeight > 0 && kernelWidth > 0
            && strideHeight > 0 && strideWidth > 0 && paddingHeight >= 0 && paddingWidth >= 0 && paddingHeight < kernelHeight && paddingWidth < kernelWidth
            && kernelHeight <= inHeight + 2 * paddingHeight && kernelWidth <= inWidth + 2 * paddingWidth
    }

    /// 1-D windows of 2 with stride 2 over an even width and no padding: windows tile the input in pairs.
    var isPairwise: Bool {
        inHeight == 1 && kernelHeight == 1 && kernelWidth == 2 && strideWidth == 2 && paddingWidth == 0
            && paddingHeight == 0 && inWidth % 2 == 0
    }

    public var inputCount: Int { batch * channels * inHeight * inWidth }
    public var outputCount: Int { batch * channels * outHeight * outWidth }

    func check(input: Int, output: Int) {
        precondition(isValid, "invalid pooling shape")
        precondition(input == inputCount && output == outputCount, "pooling buffers do not match the shape")
    }

    /// Calls body(output index, input indices of its window that lie inside the input) for every output.
    @inline(__always)
    func forEachWindow(_ body: (Int, _ rows: Range<Int>, _ columns: Range<Int>, _ plane: Int) -> Void) {
        let (outH, outW) = (outHeight, outWidth)
        var o = 0
        for plane in 0..<(batch * channels) {
            for y in 0..<outH {
                let top = y * strideHeight - paddingHeight
                let rows = max(top, 0)..<min(top + kernelHeight, inHeight)
                for x in 0..<outW {
                    let left = x * strideWidth - paddingWidth
                    body(o, rows, max(left, 0)..<min(left + kernelWidth, inWidth), plane * inHeight * inWidth)
                    o += 1
                }
            }
        }
    }
}

/// Max and average pooling and their gradients. Padding never wins a max and is not counted in a mean
/// (PyTorch's count_include_pad = false). Every kernel overwrites its output.
public enum Pooling {
    public static func maxForward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                                  shape: PoolShape) {
        shape.check(input: input.count, output: output.count)
        if shape.isPairwise {
            pairwiseMaxForward(input, into: output)
            return
        }
        shape.forEachWindow { o, rows, columns, base in
            output[o] = input[windowArgmax(input, rows, columns, base, shape.inWidth)]
        }
    }

    /// Each output gradient goes to the first maximum of its window (recomputed from the forward input);
    /// overlapping windows add up.
    public static func maxBackward(_ input: UnsafeBufferPointer<Float>, outputGradient: UnsafeBufferPointer<Float>,
                                   into inputGradient: UnsafeMutableBufferPointer<Float>, shape: PoolShape) {
        shape.check(input: input.count, output: outputGradient.count)
        precondition(inputGradient.count == input.count, "pooling buffers do not match the shape")
        if shape.isPairwise {
            pairwiseMaxBackward(input, outputGradient: outputGradient, into: inputGradient)
            return
        }
        for i in 0..<inputGradient.count { inputGradient[i] = 0 }
        shape.forEachWindow { o, rows, columns, base in
            inputGradient[windowArgmax(input, rows, columns, base, shape.inWidth)] += outputGradient[o]
        }
    }

    public static func averageForward(_ input: UnsafeBufferPointer<Float>,
                                      into output: UnsafeMutableBufferPointer<Float>, shape: PoolShape) {
        shape.check(input: input.count, output: output.count)
        shape.forEachWindow { o, rows, columns, base in
            var sum: Float = 0
            for y in rows {
                for x in columns { sum += input[base + y * shape.inWidth + x] }
            }
            output[o] = sum / Float(rows.count * columns.count)
        }
    }

    public static func averageBackward(_ outputGradient: UnsafeBufferPointer<Float>,
                                       into inputGradient: UnsafeMutableBufferPointer<Float>, shape: PoolShape) {
        shape.check(input: inputGradient.count, output: outputGradient.count)
        for i in 0..<inputGradient.count { inputGradient[i] = 0 }
        shape.forEachWindow { o, rows, columns, base in
            let share = outputGradient[o] / Float(rows.count * columns.count)
            for y in rows {
                for x in columns { inputGradient[base + y * shape.inWidth + x] += share }
            }
        }
    }

    /// [planes, size] → [planes]: the mean of each channel's positions (planes = batch · channels).
    public static func globalAverageForward(_ input: UnsafeBufferPointer<Float>,
                                            into output: UnsafeMutableBufferPointer<Float>, size: Int) {
        precondition(size > 0 && input.count == output.count * size, "global pooling buffers do not match")
        // Four planes at a time, each summed in order: the same sums as one plane at a time, without waiting
        // on every addition (a plane is 15 values in the apnea teacher).
        var plane = 0
        while plane + 4 <= output.count {
            var sums = SIMD4<Float>()
            for i in 0..<size {
                sums += SIMD4(input[plane * size + i], input[(plane + 1) * size + i], input[(plane + 2) * size + i],
                              input[(plane + 3) * size + i])
            }
            for lane in 0..<4 { output[plane + lane] = sums[lane] / Float(size) }
            plane += 4
        }
        while plane < output.count {
            var sum: Float = 0
            for i in 0..<size { sum += input[plane * size + i] }
            output[plane] = sum / Float(size)
            plane += 1
        }
    }

    public static func globalAverageBackward(_ outputGradient: UnsafeBufferPointer<Float>,
                                             into inputGradient: UnsafeMutableBufferPointer<Float>, size: Int) {
        precondition(size > 0 && inputGradient.count == outputGradient.count * size, "global pooling buffers do not match")
        for plane in 0..<outputGradient.count {
            let share = outputGradient[plane] / Float(size)
            for i in 0..<size { inputGradient[plane * size + i] = share }
        }
    }

    // The pairwise case (1-D, window 2, stride 2, no padding, even width: the usual downsampling by 2).
    // Windows then tile the flattened input: window o is input[2o], input[2o + 1]. Four windows at a time
    // and without a branch, since which value of a pair wins is data: a branch on it mispredicts about half
    // the time (it had made the max-pool gradient 8% of a teacher training step).

    /// Whether the second value of each pair is its argmax as windowArgmax defines it: the first NaN wins,
    /// then the first largest, so the second wins only over a non-NaN first value.
    @inline(__always)
    static func secondWins(_ a: Float, _ b: Float) -> Bool { !a.isNaN && (b.isNaN || b > a) }

    @inline(__always)
    static func secondWins(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMDMask<SIMD4<Int32>> {
        .!(a .!= a) .& ((b .!= b) .| (b .> a))
    }

    static func pairwiseMaxForward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) {
        guard let x = input.baseAddress, let out = output.baseAddress else { return }
        let windows = output.count
        var o = 0
        while o + 4 <= windows {
            let pairs = UnsafeRawPointer(x + 2 * o).loadUnaligned(as: SIMD8<Float>.self)
            let (a, b) = (pairs.evenHalf, pairs.oddHalf)
            UnsafeMutableRawPointer(out + o).storeBytes(of: a.replacing(with: b, where: secondWins(a, b)),
                                                        as: SIMD4<Float>.self)
            o += 4
        }
        for o in o..<windows {
            let (a, b) = (x[2 * o], x[2 * o + 1])
            out[o] = secondWins(a, b) ? b : a
        }
    }

    /// Each input position gets its window's gradient or 0.
    static func pairwiseMaxBackward(_ input: UnsafeBufferPointer<Float>, outputGradient: UnsafeBufferPointer<Float>,
                                    into inputGradient: UnsafeMutableBufferPointer<Float>) {
        guard let x = input.baseAddress, let g = outputGradient.baseAddress, let out = inputGradient.baseAddress else {
            return
        }
        let windows = outputGradient.count
        var o = 0
        while o + 4 <= windows {
            let pairs = UnsafeRawPointer(x + 2 * o).loadUnaligned(as: SIMD8<Float>.self)
            let second = secondWins(pairs.evenHalf, pairs.oddHalf)
            let gradient = UnsafeRawPointer(g + o).loadUnaligned(as: SIMD4<Float>.self)
            let (toFirst, toSecond) = (gradient.replacing(with: 0, where: second),
                                       gradient.replacing(with: 0, where: .!second))
            let interleaved = SIMD8(toFirst[0], toSecond[0], toFirst[1], toSecond[1],
                                    toFirst[2], toSecond[2], toFirst[3], toSecond[3])
            UnsafeMutableRawPointer(out + 2 * o).storeBytes(of: interleaved, as: SIMD8<Float>.self)
            o += 4
        }
        for o in o..<windows {
            let wins = secondWins(x[2 * o], x[2 * o + 1])
            out[2 * o] = wins ? 0 : g[o]
            out[2 * o + 1] = wins ? g[o] : 0
        }
    }

    /// Input index of the window's first largest value (or its first NaN, so NaN propagates).
    @inline(__always)
    static func windowArgmax(_ input: UnsafeBufferPointer<Float>, _ rows: Range<Int>, _ columns: Range<Int>,
                             _ base: Int, _ width: Int) -> Int {
        var best = base + rows.lowerBound * width + columns.lowerBound
        for y in rows {
            for x in columns {
                let i = base + y * width + x
                if input[i].isNaN { return i }
                if input[i] > input[best] { best = i }
            }
        }
        return best
    }
}
