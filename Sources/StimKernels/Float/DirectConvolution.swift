extension Convolution {
    /// Stride-1 1-D convolutions of one group (every layer of the apnea teacher and CNN students) computed from
    /// the zero-padded signal itself rather than from an im2col matrix. Row (c, j) of the im2col matrix, over
    /// the output positions t…t+15, is samples t + j·d … t + j·d + 15 of channel c of the padded signal: a tile
    /// of the product reads them where they lie. That saves building the im2col matrix (k copies of the signal),
    /// packing it, and gathering outputs back into NCW order, which at batch 64 cost a third of a teacher step.
    ///
    /// - forward: out[o, t] = Σ_(c,j) W[o, (c,j)] · xpad[c, t + j·d], plus bias[o], with W packed as the matrix
    ///   multiply's A panels.
    /// - input gradient: the same with W'[c, (o,j')] = W[o, c, k−1−j'] over the output gradient padded by
    ///   (k−1)·d − p on the left (so p ≤ (k−1)·d).
    /// - weight gradient: ∂W[o, (c,j)] = Σ_n Σ_t ∂out[n, o, t] · xpad[n, c, t + j·d]: tiles of 6 rows (c, j),
    ///   each read in place from the padded signals, by 16 output channels packed from ∂out, over the batch.
    ///
    /// Tiles are 6 × 8 on this build's vectors, or 6 × 16 in C where the processor has 256-bit vectors
    /// (installed like MatrixMultiply's wide tile); both add the same products in the same order without fused
    /// multiply-add, so the results do not depend on which runs.
    public enum Direct {
        typealias Lanes = SIMD8<Float>
        static let rowsPerTile = 6
        /// Positions per tile row where the wide tiles are installed; padded rows are whole multiples of it.
        static let wideColumns = 16

        /// A 6 × 16 forward tile: the packed A panel, the padded signal at the tile's first position, channels,
        /// taps, floats between channels and between taps, C's tile, C's row stride, rows and columns to store,
        /// and the bias of the tile's rows (or nil). out[r, t] = Σ over channels then taps of a · x, then + bias.
        public typealias WideForwardTile = @convention(c) (
            UnsafePointer<Float>?, UnsafePointer<Float>?, Int, Int, Int, Int, UnsafeMutablePointer<Float>?, Int, Int, Int,
            UnsafePointer<Float>?
        ) -> Void

        /// A 6 × 16 weight-gradient tile: the padded signals, the tile's first row (c·taps + j), rows, taps, floats
        /// between channels, between taps and between examples, examples, positions per example, the packed
        /// panel of 16 output channels, ∂W at (first channel, first row), ∂W's row stride, and channels to store.
        public typealias WideWeightTile = @convention(c) (
            UnsafePointer<Float>?, Int, Int, Int, Int, Int, Int, Int, Int, UnsafePointer<Float>?,
            UnsafeMutablePointer<Float>?, Int, Int
        ) -> Void

        /// Packs up to 16 rows (channels) of a length, a row stride apart, into a panel of 16 lanes per position,
        /// zeros past the rows: source, rows, row stride, length, panel. A copy, exact whichever packs it; in C
        /// with 8 × 8 register transposes where the processor has 256-bit vectors (the Swift loop, element by
        /// element, was 14% of a teacher step).
        public typealias WideInterleave = @convention(c) (
            UnsafePointer<Float>?, Int, Int, Int, UnsafeMutablePointer<Float>?
        ) -> Void

        nonisolated(unsafe) public static var wideForwardTile: WideForwardTile?
        nonisolated(unsafe) public static var wideInterleave: WideInterleave?
        nonisolated(unsafe) public static var wideWeightTile: WideWeightTile?

        /// Whether these kernels compute `s` (else the im2col ones do).
        static func handles(_ s: ConvolutionShape) -> Bool {
            s.groups == 1 && s.inHeight == 1 && s.kernelHeight == 1 && s.paddingHeight == 0 && s.strideWidth == 1
        }

        /// The input gradient's padding, (k−1)·d − p, must not be negative.
        static func handlesInputGradient(_ s: ConvolutionShape) -> Bool {
            handles(s) && s.paddingWidth <= (s.kernelWidth - 1) * s.dilationWidth
        }

        /// A padded channel row for `positions` outputs: whole wide tiles of positions plus the kernel's reach.
        static func rowLength(_ positions: Int, _ s: ConvolutionShape) -> Int {
            roundUp(positions, wideColumns) + (s.kernelWidth - 1) * s.dilationWidth
        }

        static func roundUp(_ count: Int, _ multiple: Int) -> Int { (count + multiple - 1) / multiple * multiple }

        static func forwardScratch(_ s: ConvolutionShape) -> Int {
            roundUp(s.outChannels, rowsPerTile) * s.patchSize + s.inChannels * rowLength(s.outWidth, s)
        }

        static func inputGradientScratch(_ s: ConvolutionShape) -> Int {
            let depth = s.outChannels * s.kernelWidth
            return s.inChannels * depth + roundUp(s.inChannels, rowsPerTile) * depth
                + s.outChannels * rowLength(s.inWidth, s)
        }

        static func weightGradientScratch(_ s: ConvolutionShape) -> Int {
            s.batch * (s.inChannels * rowLength(s.outWidth, s) + roundUp(s.outChannels, wideColumns) * s.outWidth)
        }

        static func forward(
            _ input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
            into output: UnsafeMutablePointer<Float>, shape s: ConvolutionShape, scratch: UnsafeMutablePointer<Float>
        ) {
            convolveExamples(weight, rows: s.outChannels, input, channels: s.inChannels, length: s.inWidth,
                             offset: s.paddingWidth, into: output, columns: s.outWidth, bias: bias, shape: s,
                             scratch: scratch)
        }

        static func backwardInput(
            _ outputGradient: UnsafePointer<Float>, weight: UnsafePointer<Float>,
            into inputGradient: UnsafeMutablePointer<Float>, shape s: ConvolutionShape,
            scratch: UnsafeMutablePointer<Float>
        ) {
            let (channels, filters, taps) = (s.inChannels, s.outChannels, s.kernelWidth)
            let depth = filters * taps, flipped = scratch
            for c in 0..<channels {
                for o in 0..<filters {
                    let source = weight + (o * channels + c) * taps, target = flipped + c * depth + o * taps
                    for j in 0..<taps { target[j] = source[taps - 1 - j] }
                }
            }
            convolveExamples(flipped, rows: channels, outputGradient, channels: filters, length: s.outWidth,
                             offset: (taps - 1) * s.dilationWidth - s.paddingWidth, into: inputGradient,
                             columns: s.inWidth, bias: nil, shape: s, scratch: scratch + channels * depth)
        }

        /// The stride-1 convolution both directions share: `weights` (rows × channels·taps, tap after tap within a
        /// channel) over each example of `source` (channels × length, placed `offset` into its zero-padded rows),
        /// into rows × columns per example of `out`, plus `bias`. Taps and their spacing come from `s`. Scratch:
        /// the packed weights, then one example's padded signal.
        static func convolveExamples(
            _ weights: UnsafePointer<Float>, rows: Int, _ source: UnsafePointer<Float>, channels: Int, length: Int,
            offset: Int, into out: UnsafeMutablePointer<Float>, columns: Int, bias: UnsafePointer<Float>?,
            shape s: ConvolutionShape, scratch: UnsafeMutablePointer<Float>
        ) {
            let depth = channels * s.kernelWidth, row = rowLength(columns, s)
            let packed = scratch, signal = scratch + roundUp(rows, rowsPerTile) * depth
            MatrixMultiply.Optimized.packA(weights, into: packed, m: rows, k: depth, row: 0, column: 0,
                                           rows: rows, columns: depth, transposed: false)
            for n in 0..<s.batch {
                pad(source + n * channels * length, channels: channels, length: length, offset: offset,
                    into: signal, rowLength: row)
                tiles(packed, signal, channels: channels, taps: s.kernelWidth, channelStride: row,
                      tapStride: s.dilationWidth, into: out + n * rows * columns, rows: rows, columns: columns,
                      bias: bias)
            }
        }

        static func backwardWeight(
            _ outputGradient: UnsafePointer<Float>, input: UnsafePointer<Float>,
            into weightGradient: UnsafeMutablePointer<Float>, shape s: ConvolutionShape,
            scratch: UnsafeMutablePointer<Float>
        ) {
            let (channels, filters, positions, depth) = (s.inChannels, s.outChannels, s.outWidth, s.patchSize)
            let row = rowLength(positions, s), exampleStride = channels * row
            let signals = scratch, panels = scratch + s.batch * exampleStride
            let panelSize = s.batch * positions * wideColumns
            for n in 0..<s.batch {
                pad(input + n * channels * s.inWidth, channels: channels, length: s.inWidth, offset: s.paddingWidth,
                    into: signals + n * exampleStride, rowLength: row)
            }
            // Panels of 16 output channels: for each example and position, the channels' gradients side by side.
            let interleave = wideInterleave
            for first in stride(from: 0, to: filters, by: wideColumns) {
                let panel = panels + first / wideColumns * panelSize, rows = min(wideColumns, filters - first)
                for n in 0..<s.batch {
                    let source = outputGradient + (n * filters + first) * positions
                    let target = panel + n * positions * wideColumns
                    if let interleave {
                        interleave(source, rows, positions, positions, target)
                        continue
                    }
                    for lane in 0..<wideColumns {
                        for t in 0..<positions {
                            target[t * wideColumns + lane] = lane < rows ? source[lane * positions + t] : 0
                        }
                    }
                }
            }
            let wide = wideWeightTile
            for first in stride(from: 0, to: filters, by: wideColumns) {
                let panel = UnsafePointer(panels + first / wideColumns * panelSize)
                let columns = min(wideColumns, filters - first)
                for firstRow in stride(from: 0, to: depth, by: rowsPerTile) {
                    let rows = min(rowsPerTile, depth - firstRow)
                    let target = weightGradient + first * depth + firstRow
                    if let wide {
                        wide(signals, firstRow, rows, s.kernelWidth, row, s.dilationWidth, exampleStride, s.batch,
                             positions, panel, target, depth, columns)
                        continue
                    }
                    for half in stride(from: 0, to: columns, by: Lanes.scalarCount) {
                        weightTile(signals, firstRow: firstRow, rows: rows, taps: s.kernelWidth, channelStride: row,
                                   tapStride: s.dilationWidth, exampleStride: exampleStride, examples: s.batch,
                                   positions: positions, panel + half, into: target + half * depth, rowStride: depth,
                                   columns: min(Lanes.scalarCount, columns - half))
                    }
                }
            }
        }

        /// Copies `channels` rows of `length` samples into rows of `rowLength` floats, each from `offset` on,
        /// with zeros around them. Thousands of rows of tens of floats per teacher step, so each row is a few
        /// whole vectors: the samples with an overlapping last vector, then the zeros up to the next row's samples
        /// (the next row's head included) with vectors that may run on into them before they are written. As
        /// memset and memcpy calls per row this was a tenth of the step.
        static func pad(_ source: UnsafePointer<Float>, channels: Int, length: Int, offset: Int,
                        into target: UnsafeMutablePointer<Float>, rowLength: Int) {
            let end = target + channels * rowLength
            zeros(target, count: offset, end: end)
            for c in 0..<channels {
                let row = target + c * rowLength + offset, from = source + c * length
                if length >= Lanes.scalarCount {
                    var j = 0
                    while j < length - Lanes.scalarCount {
                        copyVector(from + j, row + j)
                        j += Lanes.scalarCount
                    }
                    copyVector(from + length - Lanes.scalarCount, row + length - Lanes.scalarCount)
                } else {
                    row.update(from: from, count: length)
                }
                // Up to the next row's samples, or to the end of the last row.
                let gap = c == channels - 1 ? rowLength - offset - length : rowLength - length
                zeros(row + length, count: gap, end: end)
            }
        }

        @inline(__always)
        static func copyVector(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>) {
            let values = UnsafeRawPointer(from).loadUnaligned(as: Lanes.self)
            UnsafeMutableRawPointer(to).storeBytes(of: values, as: Lanes.self)
        }

        /// Zeros `count` floats from `start`, whole vectors past them allowed up to `end`.
        @inline(__always)
        static func zeros(_ start: UnsafeMutablePointer<Float>, count: Int, end: UnsafeMutablePointer<Float>) {
            var p = start
            let stop = start + count
            while p < stop {
                if end - p >= Lanes.scalarCount {
                    UnsafeMutableRawPointer(p).storeBytes(of: Lanes(), as: Lanes.self)
                    p += Lanes.scalarCount
                } else {
                    p.pointee = 0
                    p += 1
                }
            }
        }

        /// out[r, t] for rows 0..<rows and positions 0..<columns (row stride `columns`), tile by tile: positions
        /// outside, so a window of the signal stays in L1 while every row's tile reads it.
        static func tiles(
            _ packed: UnsafePointer<Float>, _ signal: UnsafePointer<Float>, channels: Int, taps: Int, channelStride: Int,
            tapStride: Int, into out: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>?
        ) {
            let wide = wideForwardTile, depth = channels * taps
            let width = wide == nil ? Lanes.scalarCount : wideColumns
            for first in stride(from: 0, to: columns, by: width) {
                let tileColumns = min(width, columns - first)
                for firstRow in stride(from: 0, to: rows, by: rowsPerTile) {
                    let panel = packed + firstRow * depth, target = out + firstRow * columns + first
                    let tileRows = min(rowsPerTile, rows - firstRow), tileBias = bias.map { $0 + firstRow }
                    if let wide {
                        wide(panel, signal + first, channels, taps, channelStride, tapStride, target, columns, tileRows,
                             tileColumns, tileBias)
                    } else {
                        forwardTile(panel, signal + first, channels: channels, taps: taps, channelStride: channelStride,
                                    tapStride: tapStride, into: target, rowStride: columns, rows: tileRows,
                                    columns: tileColumns, bias: tileBias)
                    }
                }
            }
        }

        @inline(__always)
        static func forwardTile(
            _ a: UnsafePointer<Float>, _ x: UnsafePointer<Float>, channels: Int, taps: Int, channelStride: Int,
            tapStride: Int, into c: UnsafeMutablePointer<Float>, rowStride: Int, rows: Int, columns: Int,
            bias: UnsafePointer<Float>?
        ) {
            var tile = (Lanes(), Lanes(), Lanes(), Lanes(), Lanes(), Lanes())
            var ap = a
            for channel in 0..<channels {
                var bp = x + channel * channelStride
                for _ in 0..<taps {
                    MatrixMultiply.accumulate(&tile, UnsafeRawPointer(bp).loadUnaligned(as: Lanes.self), ap)
                    ap += rowsPerTile
                    bp += tapStride
                }
            }
            store(tile, into: c, rowStride: rowStride, rows: rows, columns: columns) { r, sum in
                bias.map { sum + $0[r] } ?? sum
            }
        }

        /// ∂W[lane, r] (row stride `rowStride`) for rows firstRow + r of the im2col matrix and the 8 channels of
        /// `panel` (a 16-wide packed panel, read 8 lanes from where it points).
        @inline(__always)
        static func weightTile(
            _ x: UnsafePointer<Float>, firstRow: Int, rows: Int, taps: Int, channelStride: Int, tapStride: Int,
            exampleStride: Int, examples: Int, positions: Int, _ panel: UnsafePointer<Float>,
            into target: UnsafeMutablePointer<Float>, rowStride: Int, columns: Int
        ) {
            @inline(__always) func offset(_ r: Int) -> Int {
                let row = firstRow + (r < rows ? r : 0)
                return row / taps * channelStride + row % taps * tapStride
            }
            let (o0, o1, o2, o3, o4, o5) = (offset(0), offset(1), offset(2), offset(3), offset(4), offset(5))
            var c0 = Lanes(), c1 = Lanes(), c2 = Lanes()
            var c3 = Lanes(), c4 = Lanes(), c5 = Lanes()
            var bp = panel
            for n in 0..<examples {
                let base = x + n * exampleStride
                let (p0, p1, p2, p3, p4, p5) = (base + o0, base + o1, base + o2, base + o3, base + o4, base + o5)
                for t in 0..<positions {
                    let bv = UnsafeRawPointer(bp).loadUnaligned(as: Lanes.self)
                    c0 += bv * p0[t]
                    c1 += bv * p1[t]
                    c2 += bv * p2[t]
                    c3 += bv * p3[t]
                    c4 += bv * p4[t]
                    c5 += bv * p5[t]
                    bp += wideColumns
                }
            }
            let sums = (c0, c1, c2, c3, c4, c5)
            for r in 0..<rows {
                let sum = MatrixMultiply.row(sums, r)
                for lane in 0..<columns { target[lane * rowStride + r] = sum[lane] }
            }
        }

        @inline(__always)
        static func store(_ tile: (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes), into c: UnsafeMutablePointer<Float>,
                          rowStride: Int, rows: Int, columns: Int, _ finish: (Int, Lanes) -> Lanes) {
            for r in 0..<rows {
                let result = finish(r, MatrixMultiply.row(tile, r)), target = c + r * rowStride
                if columns == Lanes.scalarCount {
                    UnsafeMutableRawPointer(target).storeBytes(of: result, as: Lanes.self)
                } else {
                    for s in 0..<columns { target[s] = result[s] }
                }
            }
        }
    }
}
