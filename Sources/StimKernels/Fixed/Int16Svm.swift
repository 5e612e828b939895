/// SVM scoring on int16 features with exact integer accumulation, one feature vector at a time.
///
/// Features are symmetric int16 (zero point 0, values in ±32767). A linear machine may give every feature its own
/// scale (the caller folds the scales into the weights); an RBF machine needs one scale shared by all features,
/// since ‖x − sv‖² must add squares measured in the same unit.
///
/// * `linear`: score[m] = bias[m] + Σₖ weight[m, k] · x[k], int16 × int16 products summed in int64.
/// * `rbfKernel`: kernel[j] = exp(−γ‖x − sv[j]‖²) in Q0.31. The squared distance D is exact in int64, the
///   argument γ·s²·D reaches Q5.26 through `multiplier` (γ s² 2²⁶ as a QuantizedMultiplier), saturating at −32,
///   and `FixedExp` takes the exponential.
/// * `combine`: score[m] = bias[m] + Σⱼ coefficient[m, j] · kernel[j], Q0.31 × int16 products (|p| < 2⁴⁶)
///   summed in int64, exact for up to 2¹⁷ support vectors.
///
/// Layouts are row-major: weight [machines, dimension], support vectors [count, dimension], coefficients
/// [machines, count]. The optimized forms give the same bits as the reference forms.
public enum Int16Svm {
    public static func linearReference(
        _ x: UnsafeBufferPointer<Int16>, weight: UnsafeBufferPointer<Int16>, bias: UnsafeBufferPointer<Int64>,
        into score: UnsafeMutableBufferPointer<Int64>, machines: Int, dimension: Int
    ) {
        checkLinear(x.count, weight.count, bias.count, score.count, machines, dimension)
        for m in 0..<machines {
            var sum = bias[m]
            for k in 0..<dimension { sum &+= Int64(weight[m * dimension + k]) * Int64(x[k]) }
            score[m] = sum
        }
    }

    /// Sixteen products at a time in int32 lanes (each |p| ≤ 2³⁰ fits), widened to int64 before they add.
    public static func linearOptimized(
        _ x: UnsafeBufferPointer<Int16>, weight: UnsafeBufferPointer<Int16>, bias: UnsafeBufferPointer<Int64>,
        into score: UnsafeMutableBufferPointer<Int64>, machines: Int, dimension: Int
    ) {
        checkLinear(x.count, weight.count, bias.count, score.count, machines, dimension)
        guard let xp = x.baseAddress, let wp = weight.baseAddress else {
            for m in 0..<machines { score[m] = bias[m] }
            return
        }
        for m in 0..<machines {
            let row = wp + m * dimension
            var lanes = SIMD16<Int64>()
            var k = 0
            while k + 16 <= dimension {
                lanes &+= SIMD16<Int64>(truncatingIfNeeded: IntegerDot.int16Lanes(xp + k) &* IntegerDot.int16Lanes(row + k))
                k += 16
            }
            var sum = bias[m] &+ lanes.wrappedSum()
            while k < dimension {
                sum &+= Int64(row[k]) * Int64(xp[k])
                k += 1
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

    public static func combineReference(
        _ kernel: UnsafeBufferPointer<Int32>, coefficients: UnsafeBufferPointer<Int16>, bias: UnsafeBufferPointer<Int64>,
        into score: UnsafeMutableBufferPointer<Int64>, machines: Int, count: Int
    ) {
        checkCombine(kernel.count, coefficients.count, bias.count, score.count, machines, count)
        for m in 0..<machines {
            var sum = bias[m]
            for j in 0..<count { sum &+= Int64(coefficients[m * count + j]) * Int64(kernel[j]) }
            score[m] = sum
        }
    }

    public static func combineOptimized(
        _ kernel: UnsafeBufferPointer<Int32>, coefficients: UnsafeBufferPointer<Int16>, bias: UnsafeBufferPointer<Int64>,
        into score: UnsafeMutableBufferPointer<Int64>, machines: Int, count: Int
    ) {
        checkCombine(kernel.count, coefficients.count, bias.count, score.count, machines, count)
        guard let kp = kernel.baseAddress, let cp = coefficients.baseAddress else {
            for m in 0..<machines { score[m] = bias[m] }
            return
        }
        for m in 0..<machines {
            let row = cp + m * count
            var lanes = SIMD8<Int64>()
            var j = 0
            while j + 8 <= count {
                let k = SIMD8<Int64>(truncatingIfNeeded: UnsafeRawPointer(kp + j).loadUnaligned(as: SIMD8<Int32>.self))
                lanes &+= k &* SIMD8<Int64>(truncatingIfNeeded: UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Int16>.self))
                j += 8
            }
            var sum = bias[m] &+ lanes.wrappedSum()
            while j < count {
                sum &+= Int64(row[j]) * Int64(kp[j])
                j += 1
            }
            score[m] = sum
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

    static func checkLinear(_ x: Int, _ weight: Int, _ bias: Int, _ score: Int, _ machines: Int, _ dimension: Int) {
        precondition(machines >= 0 && dimension >= 0, "Int16Svm.linear: negative size")
        precondition(x == dimension && weight == machines * dimension && bias == machines && score == machines,
                     "Int16Svm.linear: buffer sizes do not match machines × dimension")
    }

    static func checkKernel(_ x: Int, _ supportVectors: Int, _ kernel: Int, _ count: Int, _ dimension: Int) {
        precondition(count >= 0 && dimension >= 0, "Int16Svm.rbfKernel: negative size")
        precondition(x == dimension && supportVectors == count * dimension && kernel == count,
                     "Int16Svm.rbfKernel: buffer sizes do not match count × dimension")
    }

    static func checkCombine(_ kernel: Int, _ coefficients: Int, _ bias: Int, _ score: Int, _ machines: Int, _ count: Int) {
        precondition(machines >= 0 && count >= 0, "Int16Svm.combine: negative size")
        precondition(kernel == count && coefficients == machines * count && bias == machines && score == machines,
                     "Int16Svm.combine: buffer sizes do not match machines × count")
    }
}
