/// The output side of an int8 layer: each accumulator (bias included) is rescaled by its channel's
/// `QuantizedMultiplier`, moved to the output zero point and clamped to [lower, upper]. A fused ReLU is
/// `lower = zeroPoint` (`relu(zeroPoint:)`); a bounded activation such as ReLU6 is a lower `upper`.
public struct Int8Output: Sendable, Equatable {
    public var zeroPoint: Int32
    public var lower: Int8
    public var upper: Int8

    public init(zeroPoint: Int32, lower: Int8 = .min, upper: Int8 = .max) {
        precondition(zeroPoint >= -128 && zeroPoint <= 127 && lower <= upper, "Int8Output: zero point or clamp range")
        self.zeroPoint = zeroPoint
        self.lower = lower
        self.upper = upper
    }

    /// Real ReLU: nothing below the quantized 0.
    public static func relu(zeroPoint: Int32) -> Int8Output {
        Int8Output(zeroPoint: zeroPoint, lower: Int8(truncatingIfNeeded: zeroPoint))
    }

    @inline(__always)
    func requantize(_ accumulator: Int32, _ multiplier: QuantizedMultiplier) -> Int8 {
        let scaled = Int64(FixedPoint.multiplyByQuantizedMultiplier(accumulator, multiplier)) + Int64(zeroPoint)
        return Int8(truncatingIfNeeded: min(max(scaled, Int64(lower)), Int64(upper)))
    }
}

/// The output side of an int16 layer (TFLite's 16x8 scheme: symmetric int16 activations, zero point 0):
/// each int64 accumulator is rescaled by its channel's multiplier and clamped to [lower, upper].
public struct Int16Output: Sendable, Equatable {
    public var lower: Int16
    public var upper: Int16

    public init(lower: Int16 = .min, upper: Int16 = .max) {
        precondition(lower <= upper, "Int16Output: clamp range")
        self.lower = lower
        self.upper = upper
    }

    /// Real ReLU: the zero point is 0.
    public static let relu = Int16Output(lower: 0)

    @inline(__always)
    func requantize(_ accumulator: Int64, _ multiplier: QuantizedMultiplier) -> Int16 {
        let scaled = FixedPoint.multiplyByQuantizedMultiplier(accumulator, multiplier)
        return Int16(truncatingIfNeeded: min(max(scaled, Int32(lower)), Int32(upper)))
    }
}
