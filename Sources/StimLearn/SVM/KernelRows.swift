import StimFormats
import StimKernels

/// The training examples an SMO solver draws kernel rows from: a private row-major float32 copy, reordered
/// in place when the solver shrinks (swapping rows keeps the active examples contiguous, so a kernel row is
/// one pass of SIMD dot products over a contiguous block), and their squared norms for RBF.
final class KernelRows {
    let kernel: SvmKernel
    let count: Int
    let features: Int
    private let data: UnsafeMutablePointer<Float>
    private let squaredNorms: UnsafeMutablePointer<Float>

    /// `values` holds `count` examples of `features` values each.
    init(kernel: SvmKernel, values: UnsafeBufferPointer<Float>, features: Int) {
        self.kernel = kernel
        self.features = features
        count = features > 0 ? values.count / features : 0
        data = .allocate(capacity: max(values.count, 1))
        if let base = values.baseAddress { data.initialize(from: base, count: values.count) }
        squaredNorms = .allocate(capacity: max(count, 1))
        for i in 0..<count {
            squaredNorms[i] = Reduction.Optimized.sumOfSquares(UnsafeBufferPointer(start: data + i * features, count: features))
        }
    }

    deinit {
        data.deallocate()
        squaredNorms.deallocate()
    }

    /// K(i, i).
    func diagonal(_ i: Int) -> Float {
        let norm = squaredNorms[i]
        return kernel.value(dot: norm, squaredNormA: norm, squaredNormB: norm)
    }

    /// out[j − range.lowerBound] = K(i, j) for j in `range`: the dot products first, then K over the row
    /// (eight lanes at a time for RBF, whose exponentials would otherwise cost as much as the dots).
    func row(_ i: Int, columns range: Range<Int>, into out: UnsafeMutablePointer<Float>) {
        let x = data + i * features, normI = squaredNorms[i]
        let start = range.lowerBound, length = range.count
        var j = start
        // Four rows at a time: x is loaded once for four dot products.
        while j + 4 <= range.upperBound {
            let dots = dot4(x, data + j * features)
            for t in 0..<4 { out[j + t - start] = dots[t] }
            j += 4
        }
        while j < range.upperBound {
            out[j - start] = dot(x, data + j * features)
            j += 1
        }
        var k = 0
        if kernel.kind == .rbf {
            let minusGamma = SIMD8<Float>(repeating: -kernel.gamma), twice = SIMD8<Float>(repeating: 2)
            let norm = SIMD8<Float>(repeating: normI)
            while k + 8 <= length {
                let dots = UnsafeRawPointer(out + k).loadUnaligned(as: SIMD8<Float>.self)
                let norms = UnsafeRawPointer(squaredNorms + start + k).loadUnaligned(as: SIMD8<Float>.self)
                let distance = (norm + norms - twice * dots).replacing(with: 0, where: norm + norms - twice * dots .< 0)
                UnsafeMutableRawPointer(out + k).storeBytes(of: FloatMath.exp(minusGamma * distance), as: SIMD8<Float>.self)
                k += 8
            }
        }
        while k < length {
            out[k] = kernel.value(dot: out[k], squaredNormA: normI, squaredNormB: squaredNorms[start + k])
            k += 1
        }
    }

    /// Exchanges examples i and j (the solver's shrinking moves inactive ones to the end).
    func swapAt(_ i: Int, _ j: Int) {
        guard i != j else { return }
        let a = data + i * features, b = data + j * features
        for k in 0..<features { swap(&a[k], &b[k]) }
        swap(&squaredNorms[i], &squaredNorms[j])
    }

    @inline(__always)
    private func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>) -> Float {
        var acc = SIMD8<Float>()
        var k = 0
        while k + 8 <= features {
            acc += UnsafeRawPointer(a + k).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(b + k).loadUnaligned(as: SIMD8<Float>.self)
            k += 8
        }
        var s = acc.sum()
        while k < features {
            s += a[k] * b[k]
            k += 1
        }
        return s
    }

    /// x·b, x·b₁, x·b₂, x·b₃ for four consecutive rows starting at `b`.
    @inline(__always)
    private func dot4(_ x: UnsafePointer<Float>, _ b: UnsafePointer<Float>) -> SIMD4<Float> {
        let d = features
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var k = 0
        while k + 8 <= d {
            let v = UnsafeRawPointer(x + k).loadUnaligned(as: SIMD8<Float>.self)
            a0 += v * UnsafeRawPointer(b + k).loadUnaligned(as: SIMD8<Float>.self)
            a1 += v * UnsafeRawPointer(b + d + k).loadUnaligned(as: SIMD8<Float>.self)
            a2 += v * UnsafeRawPointer(b + 2 * d + k).loadUnaligned(as: SIMD8<Float>.self)
            a3 += v * UnsafeRawPointer(b + 3 * d + k).loadUnaligned(as: SIMD8<Float>.self)
            k += 8
        }
        var s = SIMD4<Float>(a0.sum(), a1.sum(), a2.sum(), a3.sum())
        while k < d {
            s += SIMD4(x[k] * b[k], x[k] * b[d + k], x[k] * b[2 * d + k], x[k] * b[3 * d + k])
            k += 1
        }
        return s
    }
}
