/// A fully connected layer in TFLite's 16x8 scheme (symmetric int16 activations, symmetric per-channel
/// int8 weights, int64 bias and accumulators):
///
///     output[i, j] = requantize_j(bias[j] + Σₖ input[i, k] · weight[j, k])
///
/// Layouts as `Int8Dense`.
public enum Int16Dense {
    public static func reference(
        _ input: UnsafeBufferPointer<Int16>, weight: UnsafeBufferPointer<Int8>, bias: UnsafeBufferPointer<Int64>?,
        multipliers: UnsafeBufferPointer<QuantizedMultiplier>, output stage: Int16Output,
        into output: UnsafeMutableBufferPointer<Int16>, batch: Int, inputs: Int, outputs: Int
    ) {
        Int8Dense.check(input.count, 0, weight.count, bias?.count, multipliers.count, output.count, batch, inputs, outputs)
        for i in 0..<batch {
            for j in 0..<outputs {
                var sum = bias?[j] ?? 0
                for k in 0..<inputs {
                    sum &+= Int64(input[i * inputs + k]) * Int64(weight[j * inputs + k])
                }
                output[i * outputs + j] = stage.requantize(sum, multipliers[j])
            }
        }
    }

    /// Same bits: four weight rows at a time, int32 lanes widened to int64 before they could overflow.
    public static func optimized(
        _ input: UnsafeBufferPointer<Int16>, weight: UnsafeBufferPointer<Int8>, bias: UnsafeBufferPointer<Int64>?,
        multipliers: UnsafeBufferPointer<QuantizedMultiplier>, output stage: Int16Output,
        into output: UnsafeMutableBufferPointer<Int16>, batch: Int, inputs: Int, outputs: Int
    ) {
        Int8Dense.check(input.count, 0, weight.count, bias?.count, multipliers.count, output.count, batch, inputs, outputs)
        let x = input.baseAddress!, w = weight.baseAddress!
        for i in 0..<batch {
            let row = x + i * inputs, out = i * outputs
            var j = 0
            while j + 4 <= outputs {
                let sums = IntegerDot.int16x4(row, w + j * inputs, stride: inputs, count: inputs)
                for l in 0..<4 { output[out + j + l] = stage.requantize(sums[l] &+ (bias?[j + l] ?? 0), multipliers[j + l]) }
                j += 4
            }
            while j < outputs {
                let sum = IntegerDot.int16(row, w + j * inputs, count: inputs)
                output[out + j] = stage.requantize(sum &+ (bias?[j] ?? 0), multipliers[j])
                j += 1
            }
        }
    }
}
