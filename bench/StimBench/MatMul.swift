// `StimBench matmul`: float32 C = A · B for square n × n row-major matrices with MatrixMultiply.Optimized
// (one thread) or ParallelMultiply (two or more), timed as bench/learn/peers.py times numpy's matmul
// (workload d): a warm-up of at least 0.5 s, then `runs` runs of enough products to last `min-run-s`; the
// figure is the median over runs of the time per product, and GFLOP/s counts 2·n³ per product.
// bench/learn/matmul runs this and numpy alternately and prints the ratio.
import Foundation
import StimKernels
import StimLearn

struct MatMulOptions {
    /// Square sizes n (n × n × n), or m x n x k shapes written "64x480x128".
    var threads = 1, shapes = [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048)]
    var runs = 7, minRunSeconds = 0.3, json = false

    init(_ arguments: ArraySlice<String>) throws {
        let usage = "usage: StimBench matmul [--threads 1|2] [--sizes 256,512,1024,2048 or MxNxK,...] [--runs 7] "
            + "[--min-run-ms 300] [--json]"
        let given = try parseOptions(arguments, flags: ["--json"], usage: usage) { name, value in
            switch name {
            case "--threads": threads = try Options.number(name, value)
            case "--runs": runs = try Options.number(name, value)
            case "--min-run-ms": minRunSeconds = Double(try Options.number(name, value)) / 1000
            case "--sizes":
                shapes = try value.split(separator: ",").map { item in
                    let parts = try item.split(separator: "x").map { try Options.number(name, String($0)) }
                    guard parts.count == 1 || parts.count == 3 else { throw BenchError(usage) }
                    return parts.count == 1 ? (parts[0], parts[0], parts[0]) : (parts[0], parts[1], parts[2])
                }
            default: throw BenchError(usage)
            }
        }
        json = given.contains("--json")
        guard threads > 0, runs > 0, !shapes.isEmpty, shapes.allSatisfy({ $0.0 > 0 && $0.1 > 0 && $0.2 > 0 })
        else { throw BenchError(usage) }
    }
}

/// Warm-up, then `runs` timed runs (as bench/learn/common.py's `measure`): median and all runs, ms per call.
func measureMilliseconds(runs: Int, minRunSeconds: Double, _ step: () -> Void) -> (median: Double, runs: [Double], iterations: Int) {
    var calls = 0
    let warmup = seconds {
        let start = ContinuousClock.now
        while calls < 10 || ContinuousClock.now - start < .milliseconds(500) {
            step()
            calls += 1
        }
    }
    let iterations = max(1, Int((minRunSeconds / max(warmup / Double(calls), 1e-9)).rounded(.up)))
    var times: [Double] = []
    for _ in 0..<runs {
        times.append(seconds { for _ in 0..<iterations { step() } } * 1000 / Double(iterations))
    }
    let sorted = times.sorted()
    let median = sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    return (median, times, iterations)
}

let tileDescription: String = {
    let t = MatrixMultiply.Optimized.tiling
    let columns = ProcessorKernels.wideTile ? "16 (the processor's AVX tile)" : "\(t.columns)"
    return "\(t.rows)x\(columns) kc=\(t.depth) mc=\(t.rowBlock) nc=\(t.columnBlock)"
}()

func runMatMul(_ options: MatMulOptions) throws {
    let multiplier = ParallelMultiply(threads: options.threads)
    var generator = SystemRandomNumberGenerator()
    for (m, n, k) in options.shapes {
        let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &generator) }
        let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &generator) }
        var c = [Float](repeating: 0, count: m * n)
        // peers.py's names for the square sizes (workload d), so the two sides pair up.
        let name = m == n && n == k ? "d_matmul_n\(n)" : "matmul_\(m)x\(n)x\(k)"
        let measured = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    // One check outside the timings: four rows against a Double evaluation.
                    multiplier.multiply(a, b, into: c, m: m, n: n, k: k)
                    var error = 0.0, scale = 0.0
                    for i in 0..<min(4, m) {
                        for j in 0..<n {
                            var exact = 0.0
                            for p in 0..<k { exact += Double(a[i * k + p]) * Double(b[p * n + j]) }
                            error = max(error, abs(Double(c[i * n + j]) - exact))
                            scale = max(scale, abs(exact))
                        }
                    }
                    let relative = error / max(scale, .leastNormalMagnitude)
                    if relative > 1e-4 {
                        FileHandle.standardError.write(Data("StimBench matmul \(name): relative error \(relative)\n".utf8))
                    }
                    return measureMilliseconds(runs: options.runs, minRunSeconds: options.minRunSeconds) {
                        multiplier.multiply(a, b, into: c, m: m, n: n, k: k)
                    }
                }
            }
        }
        let flops = 2 * Double(m) * Double(n) * Double(k)
        let gflops = flops / (measured.median * 1e-3) / 1e9
        if options.json {
            let runs = measured.runs.map { "\(($0 * 1e6).rounded() / 1e6)" }.joined(separator: ", ")
            print("""
                {"kind": "measure", "peer": "stim", "workload": "\(name)", \
                "median_ms": \((measured.median * 1e6).rounded() / 1e6), "runs": [\(runs)], \
                "threads": \(options.threads), "iters": \(measured.iterations), "flops": \(Int(flops)), \
                "gflops": \((gflops * 1000).rounded() / 1000), "tile": "\(tileDescription)"}
                """)
        } else {
            print("stim  matmul " + name.padding(toLength: 24, withPad: " ", startingAt: 0)
                  + String(format: " %10.4f ms  [%.4f .. %.4f]  %7.2f GFLOP/s  threads %d", measured.median, measured.runs.min()!, measured.runs.max()!, gflops, options.threads)
                  + "  tile \(tileDescription)")
        }
    }
}
