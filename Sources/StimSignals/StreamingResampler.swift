/// `Resampler` for a signal that arrives piece by piece (a night daemon's belt): output sample m is emitted as
/// soon as the last input its filter reaches has arrived, computed by the same sum in the same order as
/// `Resampler.resample`, so a whole signal pushed in any chunk sizes gives bit-identical values. Memory is one
/// filter span of input. The output lags the input by `halfLength / up` input samples; `finish` treats the
/// signal as zero beyond its end, like the offline filter.
public struct StreamingResampler: Sendable {
    public let resampler: Resampler
    /// Input samples still needed by outputs to come; `pending[0]` is input sample `pendingStart`.
    private var pending: [Float] = []
    private var pendingStart = 0
    /// Input samples pushed so far.
    public private(set) var inputCount = 0
    /// Output samples emitted so far.
    public private(set) var outputCount = 0

    public init(_ resampler: Resampler) {
        self.resampler = resampler
    }

    /// Takes input samples and appends the outputs they complete to `output`.
    public mutating func push(_ samples: some Collection<Float>, into output: inout [Float]) {
        if resampler.up == 1 && resampler.down == 1 {
            output.append(contentsOf: samples)
            inputCount += samples.count
            outputCount += samples.count
            return
        }
        pending.append(contentsOf: samples)
        inputCount += samples.count
        // Output m is final once input ⌊t / up⌋ (t = m·down + halfLength) has arrived.
        while (outputCount * resampler.down + resampler.halfLength) / resampler.up < inputCount {
            output.append(value(outputCount, inputCount: Int.max))
            outputCount += 1
        }
        dropConsumed()
    }

    /// Emits the outputs that the end of the signal completes (⌈inputs · up / down⌉ in all).
    public mutating func finish(into output: inout [Float]) {
        if resampler.up == 1 && resampler.down == 1 { return }
        let total = resampler.outputCount(inputCount)
        while outputCount < total {
            output.append(value(outputCount, inputCount: inputCount))
            outputCount += 1
        }
        dropConsumed()
    }

    /// y[m] = Σ_k h[t − up·k] · x[k] over the inputs that exist, as in `Resampler.resample`.
    private func value(_ m: Int, inputCount n: Int) -> Float {
        let up = resampler.up, taps = resampler.taps
        let t = m * resampler.down + resampler.halfLength
        let first = max(0, (t - (taps.count - 1) + up - 1) / up)
        let last = min(n - 1, t / up)
        var acc = 0.0
        if first <= last {
            for k in first...last { acc += taps[t - up * k] * Double(pending[k - pendingStart]) }
        }
        return Float(acc)
    }

    /// Forgets inputs that no later output reaches, in batches so the copy stays amortized.
    private mutating func dropConsumed() {
        let t = outputCount * resampler.down + resampler.halfLength
        let needed = max(0, (t - (resampler.taps.count - 1) + resampler.up - 1) / resampler.up)
        let drop = needed - pendingStart
        if drop > 0 && drop >= pending.count / 2 {
            let n = min(drop, pending.count)
            pending.removeFirst(n)
            pendingStart += n
        }
    }
}
