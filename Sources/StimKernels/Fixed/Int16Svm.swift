/// SVM scoring on int16 features with exact integer accumulation, one feature vector at a time.
///
/// Features are symmetric int16 (zero point 0, values in ±32767). A linear machine may give every feature its own
/// scale (the caller folds the scales into the weights); an RBF machine needs one scale shared by all features,
/// since ‖x − sv‖² must add squares measured in the same unit.
///
/// * `weightedSums`: score[m] = bias[m] + Σⱼ weight[m, j] · value[j] with int16 weights, summed exactly in int64:
///   a linear machine (values: int16 features, |product| ≤ 2³⁰) or the last step of an RBF machine (values: the
///   Q0.31 kernel values, weights: dual coefficients, |product| < 2⁴⁶, exact for up to 2¹⁷ support vectors).
/// * `rbfKernel`: kernel[j] = exp(−γ‖x − sv[j]‖²) in Q0.31. The squared distance D is exact in int64, the
///   argument γ·s²·D reaches Q5.26 through `multiplier` (γ s² 2²⁶ as a QuantizedMultiplier), saturating at −32,
///   and `FixedExp` takes the exponential.
///
/// Layouts are row-major: weight [machines, count], support vectors [count, dimension]. The optimized forms give
/// the same bits as the reference forms. The generic forms are inlinable so that callers in other modules get them
/// specialized to Int16 or Int32 values.
public enum Int16Svm {
    @inlinable
    public static func weightedSumsReference<Value: FixedWidthInteger & SignedInteger>(
        _ values: UnsafeBufferPointer<Value>, weight: UnsafeBufferPointer<Int16>, bias: UnsafeBufferPointer<Int64>,
        into score: UnsafeMutableBufferPointer<Int64>, machines: Int, count: Int
    ) {
        checkWeightedSums(values.count, weight.count, bias.count, score.count, machines, count)
        for m in 0..<machines {
            var sum = bias[m]
            for j in 0..<count { sum &+= Int64(weight[m * count + j]) * Int64(values[j]) }
            score[m] = sum
        }
    }

    /// Eight products at a time in int64 lanes.
    @inlinable
    public static func weightedSumsOptimized<Value: FixedWidthInteger & SignedInteger & SIMDScalar>(
        _ values: UnsafeBufferPointer<Value>, weight: UnsafeBufferPointer<Int16>, bias: UnsafeBufferPointer<Int64>,
        into score: UnsafeMutableBufferPointer<Int64>, machines: Int, count: Int
    ) {
        checkWeightedSums(values.count, weight.count, bias.count, score.count, machines, count)
        guard let vp = values.baseAddress, let wp = weight.baseAddress else {
            for m in 0..<machines { score[m] = bias[m] }
            return
        }
        for m in 0..<machines {
            let row = wp + m * count
            var lanes = SIMD8<Int64>()
            var j = 0
            while j + 8 <= count {
                let v = SIMD8<Int64>(truncatingIfNeeded: UnsafeRawPointer(vp + j).loadUnaligned(as: SIMD8<Value>.self))
                lanes &+= v &* SIMD8<Int64>(truncatingIfNeeded: UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Int16>.self))
                j += 8
            }
            var sum = bias[m] &+ lanes.wrappedSum()
            while j < count {
                sum &+= Int64(row[j]) * Int64(vp[j])
                j += 1
            }
            score[m] = sum
        }
    }

    public static func rbfKernelReference(
        _ x: UnsafeBufferPointer<Int16>, supportVectors: UnsafeBufferPointer<Int16>, multiplier: QuantizedMultiplier,
        into kernel: UnsafeMutableBufferPointer<Int32>, count: Int, dimension: Int
    ) {
        checkKernel(x.count, supportVectors.count, kernel.count, count, dimension)
        for j in 0..<count {
            var distance: Int64 = 0
            for k in 0..<dimension {
                let d = Int64(x[k]) - Int64(supportVectors[j * dimension + k])
                distance += d * d
            }
            kernel[j] = rbf(distance: distance, multiplier: multiplier)
        }
    }

    /// Eight coordinates at a time: a difference of two int16 is at most 65535 in magnitude, so its square fits
    /// an unsigned 32-bit lane exactly and is widened to 64 bits to add.
    public static func rbfKernelOptimized(
        _ x: UnsafeBufferPointer<Int16>, supportVectors: UnsafeBufferPointer<Int16>, multiplier: QuantizedMultiplier,
        into kernel: UnsafeMutableBufferPointer<Int32>, count: Int, dimension: Int
    ) {
        checkKernel(x.count, supportVectors.count, kernel.count, count, dimension)
        guard let xp = x.baseAddress, let sp = supportVectors.baseAddress else {
            for j in 0..<count { kernel[j] = rbf(distance: 0, multiplier: multiplier) }
            return
        }
        for j in 0..<count {
            let row = sp + j * dimension
            var lanes = SIMD8<UInt64>()
            var k = 0
            while k + 8 <= dimension {
                let d = int16x8(xp + k) &- int16x8(row + k)
                lanes &+= SIMD8<UInt64>(truncatingIfNeeded: SIMD8<UInt32>(truncatingIfNeeded: d &* d))
                k += 8
            }
            var distance = Int64(lanes.wrappedSum())
            while k < dimension {
                let d = Int64(xp[k]) - Int64(row[k])
                distance += d * d
                k += 1
            }
            kernel[j] = rbf(distance: distance, multiplier: multiplier)
        }
    }

    /// exp(−γ s² D) in Q0.31 from the exact squared distance D (in squared feature steps).
    @inline(__always)
    static func rbf(distance: Int64, multiplier: QuantizedMultiplier) -> Int32 {
        // The Q5.26 magnitude of the argument, saturated at int32's top (−32, where exp is below 2⁻³¹ anyway).
        let magnitude = FixedPoint.multiplyByQuantizedMultiplier(distance, multiplier)
        return FixedExp.onNegativeValues(-max(magnitude, 0))
    }

    @inline(__always)
    static func int16x8(_ p: UnsafePointer<Int16>) -> SIMD8<Int32> {
        SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int16>.self))
    }

    @usableFromInline
    static func checkWeightedSums(_ values: Int, _ weight: Int, _ bias: Int, _ score: Int, _ machines: Int, _ count: Int) {
        precondition(machines >= 0 && count >= 0, "Int16Svm.weightedSums: negative size")
        precondition(values == count && weight == machines * count && bias == machines && score == machines,
                     "Int16Svm.weightedSums: buffer sizes do not match machines × count")
    }

    static func checkKernel(_ x: Int, _ supportVectors: Int, _ kernel: Int, _ count: Int, _ dimension: Int) {
        precondition(count >= 0 && dimension >= 0, "Int16Svm.rbfKernel: negative size")
        precondition(x == dimension && supportVectors == count * dimension && kernel == count,
                     "Int16Svm.rbfKernel: buffer sizes do not match count × dimension")
    }
}

extension Int16Svm {
    /// The nearest int16 step of x (halves away from zero, as `rounded()`), saturated at ±32767; NaN gives 0.
    /// Written without `rounded()`, which would link libm's `round` into firmware.
    public static func saturatingNearest(_ x: Double) -> Int16 {
        guard !x.isNaN else { return 0 }
        if x >= 32767 { return 32767 }
        if x <= -32767 { return -32767 }
        // Both steps are exact for |x| < 2¹⁵.
        let whole = Int32(x)
        let rest = x - Double(whole)
        if rest >= 0.5 { return Int16(whole + 1) }
        if rest <= -0.5 { return Int16(whole - 1) }
        return Int16(whole)
    }
}

extension Int16Svm {
    /// The int16 features of one window of `count` floats: nearest((xₖ − offsetₖ) · scaleₖ / stepₖ) by
    /// `saturatingNearest`, standardized in float32 and divided in float64, with `steps[k]` per feature or `steps[0]`
    /// for all (`sharedStep`, RBF). The host's `QuantizedSvm` and firmware both quantize through here.
    public static func quantizeFeatures(_ x: UnsafePointer<Float>, offset: UnsafePointer<Float>, scale: UnsafePointer<Float>,
                                        steps: UnsafePointer<Float>, sharedStep: Bool,
                                        into features: UnsafeMutablePointer<Int16>, count: Int) {
        for k in 0..<count {
            let standardized = (x[k] - offset[k]) * scale[k]
            features[k] = saturatingNearest(Double(standardized) / Double(steps[sharedStep ? 0 : k]))
        }
    }
}
