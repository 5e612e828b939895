/// An affine map between reals and int8: `real = scale · (q − zeroPoint)`. Activations use an asymmetric
/// range (any zero point); weights are symmetric per output channel (zero point 0, range ±127) so their
/// zero point drops out of every product.
public struct AffineQuantization: Sendable, Equatable {
    public var scale: Float
    public var zeroPoint: Int32

    public init(scale: Float, zeroPoint: Int32) {
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// The asymmetric int8 quantization of [lower, upper], widened to contain 0 so that 0 (and so padding and
    /// ReLU's floor) is exactly representable.
    public init(lower: Float, upper: Float) throws(QuantizationError) {
        guard lower.isFinite, upper.isFinite, lower <= upper else { throw .invalidRange(lower: lower, upper: upper) }
        let low = min(lower, 0), high = max(upper, 0)
        let scale = high > low ? (high - low) / 255 : 1
        guard scale.isFinite, scale > 0 else { throw .invalidRange(lower: lower, upper: upper) }
        self.scale = scale
        zeroPoint = Int32(clamping: roundHalfAwayFromZero(Double(-128) - Double(low) / Double(scale), within: -128...127))
    }

    /// The nearest int8 to `x`, saturated; NaN gives the zero point (the buffer form rejects it instead).
    @inlinable
    public func quantize(_ x: Float) -> Int8 {
        Int8(clamping: roundHalfAwayFromZero(Double(x) / Double(scale), within: -256...256) + Int64(zeroPoint))
    }

    @inlinable
    public func dequantize(_ q: Int8) -> Float {
        scale * Float(Int32(q) - zeroPoint)
    }

    /// Quantizes every element of `values` into `output` (same count); rejects NaN and infinities.
    public func quantize(_ values: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Int8>) throws(QuantizationError) {
        precondition(values.count == output.count, "quantize: input and output counts differ")
        for i in values.indices {
            guard values[i].isFinite else { throw .notFinite(index: i) }
            output[i] = quantize(values[i])
        }
    }

    public func dequantize(_ values: UnsafeBufferPointer<Int8>, into output: UnsafeMutableBufferPointer<Float>) {
        precondition(values.count == output.count, "dequantize: input and output counts differ")
        for i in values.indices { output[i] = dequantize(values[i]) }
    }
}

/// Symmetric per-channel int8 quantization of weights laid out [channels, rest…]: channel c gets scale
/// max|w|/127 (1 for an all-zero channel) written to `scales[c]`, and q = round(w / scale) in −127...127.
public func quantizeSymmetricPerChannel(
    _ weights: UnsafeBufferPointer<Float>, channels: Int,
    into output: UnsafeMutableBufferPointer<Int8>, scales: UnsafeMutableBufferPointer<Float>
) throws(QuantizationError) {
    precondition(channels > 0 && weights.count % channels == 0, "quantizeSymmetricPerChannel: count not a multiple of channels")
    precondition(output.count == weights.count && scales.count == channels, "quantizeSymmetricPerChannel: output shapes")
    let perChannel = weights.count / channels
    for c in 0..<channels {
        var largest: Float = 0
        for i in c * perChannel..<(c + 1) * perChannel {
            guard weights[i].isFinite else { throw .notFinite(index: i) }
            largest = max(largest, weights[i].magnitude)
        }
        let scale = largest > 0 ? largest / 127 : 1
        guard scale > 0 else { throw .invalidScale(Double(scale)) }
        scales[c] = scale
        for i in c * perChannel..<(c + 1) * perChannel {
            output[i] = Int8(roundHalfAwayFromZero(Double(weights[i]) / Double(scale), within: -127...127))
        }
    }
}

/// Rounds half away from zero after clamping to `range`, in plain integer arithmetic: the standard
/// library's `rounded()` may call libm, which StimKernels must not need. NaN gives 0.
@usableFromInline
func roundHalfAwayFromZero(_ x: Double, within range: ClosedRange<Int64>) -> Int64 {
    guard !x.isNaN else { return 0 }
    let clamped = min(max(x, Double(range.lowerBound)), Double(range.upperBound))
    let truncated = Int64(clamped)
    let fraction = clamped - Double(truncated)
    if fraction >= 0.5 { return truncated + 1 }
    if fraction <= -0.5 { return truncated - 1 }
    return truncated
}
