/// int32 accumulators → int8 outputs of the next layer's quantization, per output channel:
///
///     output = clamp(outputZeroPoint + M_c · (accumulator + bias_c), lower, upper)
///
/// with M_c = inputScale · weightScale_c / outputScale as a `QuantizedMultiplier`. The channel of element e
/// is (e / innerCount) % channels: innerCount 1 for dense outputs [rows, channels], the width (or
/// height · width) for NCW (NCHW) conv outputs. A fused ReLU is `lower = outputZeroPoint`.
public enum Requantize {
    public static func perChannel(
        _ accumulators: UnsafeBufferPointer<Int32>, bias: UnsafeBufferPointer<Int32>?,
        multipliers: UnsafeBufferPointer<QuantizedMultiplier>, channels: Int, innerCount: Int,
        outputZeroPoint: Int32, lower: Int8 = .min, upper: Int8 = .max, output: UnsafeMutableBufferPointer<Int8>
    ) {
        precondition(channels > 0 && innerCount > 0 && accumulators.count % (channels * innerCount) == 0,
                     "Requantize: count is not a multiple of channels · innerCount")
        precondition(multipliers.count == channels && (bias?.count ?? channels) == channels, "Requantize: per-channel sizes")
        precondition(output.count == accumulators.count && lower <= upper, "Requantize: output size or clamp range")
        let stage = Int8Output(zeroPoint: outputZeroPoint, lower: lower, upper: upper)
        var e = 0
        while e < accumulators.count {
            for c in 0..<channels {
                let m = multipliers[c], b = bias?[c] ?? 0
                for _ in 0..<innerCount {
                    output[e] = stage.requantize(accumulators[e] &+ b, m)
                    e += 1
                }
            }
        }
    }
}
