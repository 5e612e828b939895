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
            pairwiseMax(input, shape) { o, _, _, value in output[o] = value }
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
            // Windows tile the input exactly: each input position gets its window's gradient or 0.
            pairwiseMax(input, shape) { o, first, secondWins, _ in
                let g = outputGradient[o]
                inputGradient[first] = secondWins ? 0 : g
                inputGradient[first + 1] = secondWins ? g : 0
            }
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
        for plane in 0..<output.count {
            var sum: Float = 0
            for i in 0..<size { sum += input[plane * size + i] }
            output[plane] = sum / Float(size)
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

    /// The pairwise case (1-D, window 2, stride 2, no padding, even width: the usual downsampling by 2):
    /// calls body(output index, input index of the window's first value, whether the second value is the
    /// window's argmax as windowArgmax defines it, the maximum). Windows then tile the flattened input.
    @inline(__always)
    static func pairwiseMax(_ input: UnsafeBufferPointer<Float>, _ shape: PoolShape,
                            _ body: (Int, Int, Bool, Float) -> Void) {
        for o in 0..<(input.count / 2) {
            let a = input[2 * o], b = input[2 * o + 1]
            // The first NaN wins, then the first largest: the second wins only over a non-NaN first value.
            let secondWins = !a.isNaN && (b.isNaN || b > a)
            body(o, 2 * o, secondWins, secondWins ? b : a)
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
