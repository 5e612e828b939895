/// A fully connected int8 layer:
///
///     output[i, j] = requantize_j(bias[j] + Σₖ (input[i, k] − inputZeroPoint) · weight[j, k])
///
/// input [batch, inputs]; weight [outputs, inputs], symmetric per output channel (zero point 0); bias and
/// multipliers [outputs]; output [batch, outputs]; all row-major. Accumulators are int32: each term is at
/// most 255 · 128 in magnitude, so they cannot overflow for inputs ≤ 65,793.
public enum Int8Dense {
    public static func reference(
        _ input: UnsafeBufferPointer<Int8>, inputZeroPoint: Int32, weight: UnsafeBufferPointer<Int8>,
        bias: UnsafeBufferPointer<Int32>?, multipliers: UnsafeBufferPointer<QuantizedMultiplier>, output stage: Int8Output,
        into output: UnsafeMutableBufferPointer<Int8>, batch: Int, inputs: Int, outputs: Int
    ) {
        check(input.count, inputZeroPoint, weight.count, bias?.count, multipliers.count, output.count, batch, inputs, outputs)
        for i in 0..<batch {
            for j in 0..<outputs {
                var sum = bias?[j] ?? 0
                for k in 0..<inputs {
                    sum &+= (Int32(input[i * inputs + k]) - inputZeroPoint) &* Int32(weight[j * inputs + k])
                }
                output[i * outputs + j] = stage.requantize(sum, multipliers[j])
            }
        }
    }

    /// Same bits: each input row against four weight rows at a time (`IntegerDot`), requantized on the fly.
    public static func optimized(
        _ input: UnsafeBufferPointer<Int8>, inputZeroPoint: Int32, weight: UnsafeBufferPointer<Int8>,
        bias: UnsafeBufferPointer<Int32>?, multipliers: UnsafeBufferPointer<QuantizedMultiplier>, output stage: Int8Output,
        into output: UnsafeMutableBufferPointer<Int8>, batch: Int, inputs: Int, outputs: Int
    ) {
        check(input.count, inputZeroPoint, weight.count, bias?.count, multipliers.count, output.count, batch, inputs, outputs)
        let x = input.baseAddress!, w = weight.baseAddress!, zero = Int16(inputZeroPoint)
        for i in 0..<batch {
            let row = x + i * inputs, out = i * outputs
            var j = 0
            while j + 4 <= outputs {
                let sums = IntegerDot.int8x4(row, minus: zero, w + j * inputs, stride: inputs, count: inputs)
                for l in 0..<4 { output[out + j + l] = stage.requantize(sums[l] &+ (bias?[j + l] ?? 0), multipliers[j + l]) }
                j += 4
            }
            while j < outputs {
                let sum = IntegerDot.int8(row, minus: zero, w + j * inputs, count: inputs)
                output[out + j] = stage.requantize(sum &+ (bias?[j] ?? 0), multipliers[j])
                j += 1
            }
        }
    }

    static func check(_ input: Int, _ zeroPoint: Int32, _ weight: Int, _ bias: Int?, _ multipliers: Int, _ output: Int,
                      _ batch: Int, _ inputs: Int, _ outputs: Int) {
        precondition(batch > 0 && inputs > 0 && outputs > 0, "dense: sizes must be positive")
        precondition(zeroPoint >= -128 && zeroPoint <= 127, "dense: input zero point outside int8")
        precondition(input == batch * inputs && weight == outputs * inputs && output == batch * outputs
                     && (bias ?? outputs) == outputs && multipliers == outputs, "dense: buffers do not match the shape")
    }
}
