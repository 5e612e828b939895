import StimFormats
import StimKernels

/// Evaluates Σ_s c_s K(sv_s, x) for many inputs: the dot products of a block of inputs with all support
/// vectors come from one matrix multiply (StimKernels' blocked kernel), then K and the sums per machine.
struct KernelExpansion {
    let kernel: SvmKernel
    let supportVectors: [Float]
    let features: Int

    /// Inputs per block: bounds the inputs × support vectors kernel matrix held at once.
    private static let block = 256

    /// Decision values (machines per example) of already scaled inputs. `pairs` given: one-vs-one in
    /// LIBSVM's layout; nil: one coefficient row per machine over all support vectors.
    func decisionValues(_ x: [Float], count: Int, coefficients: [Float], supportPerClass: [Int], pairs: [(Int, Int)]?,
                        bias: [Float]) -> [Float] {
        let supportCount = supportPerClass.reduce(0, +)
        let machines = bias.count
        var result = [Float](repeating: 0, count: count * machines)
        guard count > 0 else { return result }
        var starts = [0]
        for n in supportPerClass { starts.append(starts.last! + n) }
        let svNorms = (0..<supportCount).map { s in
            supportVectors.withUnsafeBufferPointer {
                Reduction.Optimized.sumOfSquares(UnsafeBufferPointer(rebasing: $0[(s * features)..<((s + 1) * features)]))
            }
        }
        ProcessorKernels.install()
        var scratch = [Float](repeating: 0, count: MatrixMultiply.Optimized.scratchCount)
        var values = [Float](repeating: 0, count: Self.block * supportCount)
        for first in stride(from: 0, to: count, by: Self.block) {
            let rows = min(Self.block, count - first)
            x.withUnsafeBufferPointer { xs in
                supportVectors.withUnsafeBufferPointer { sv in
                    values.withUnsafeMutableBufferPointer { out in
                        scratch.withUnsafeMutableBufferPointer { work in
                            MatrixMultiply.Optimized.multiply(
                                UnsafeBufferPointer(rebasing: xs[(first * features)..<((first + rows) * features)]), sv,
                                into: UnsafeMutableBufferPointer(rebasing: out[0..<(rows * supportCount)]),
                                m: rows, n: supportCount, k: features, transposeB: true, scratch: work)
                        }
                    }
                }
            }
            for r in 0..<rows {
                let e = first + r
                let xNorm = x.withUnsafeBufferPointer {
                    Reduction.Optimized.sumOfSquares(UnsafeBufferPointer(rebasing: $0[(e * features)..<((e + 1) * features)]))
                }
                let base = r * supportCount
                for s in 0..<supportCount {
                    values[base + s] = kernel.value(dot: values[base + s], squaredNormA: svNorms[s], squaredNormB: xNorm)
                }
                if let pairs {
                    for (p, (i, j)) in pairs.enumerated() {
                        var sum: Float = 0
                        for s in starts[i]..<starts[i + 1] { sum += coefficients[(j - 1) * supportCount + s] * values[base + s] }
                        for s in starts[j]..<starts[j + 1] { sum += coefficients[i * supportCount + s] * values[base + s] }
                        result[e * machines + p] = sum + bias[p]
                    }
                } else {
                    for m in 0..<machines {
                        var sum: Float = 0
                        for s in 0..<supportCount { sum += coefficients[m * supportCount + s] * values[base + s] }
                        result[e * machines + m] = sum + bias[m]
                    }
                }
            }
        }
        return result
    }
}
