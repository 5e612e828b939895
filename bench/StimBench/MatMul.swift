// `StimBench matmul`: float32 C = A · B for square n × n row-major matrices with MatrixMultiply.Optimized
// (one thread) or ParallelMultiply (two or more), timed as bench/learn/peers.py times numpy's matmul
// (workload d): a warm-up of at least 0.5 s, then `runs` runs of enough products to last `min-run-s`; the
// figure is the median over runs of the time per product, and GFLOP/s counts 2·n³ per product.
// bench/learn/matmul runs this and numpy alternately and prints the ratio.
import Foundation
import StimKernels
import StimLearn

struct MatMulOptions {
    var threads = 1, sizes = [256, 512, 1024, 2048], runs = 7, minRunSeconds = 0.3, json = false

    init(_ arguments: ArraySlice<String>) throws {
        let usage = "usage: StimBench matmul [--threads 1|2] [--sizes 256,512,1024,2048] [--runs 7] "
            + "[--min-run-ms 300] [--json]"
        var rest = arguments
        while let name = rest.popFirst() {
            if name == "--json" { json = true; continue }
            guard let value = rest.popFirst() else { throw BenchError("\(name) needs a value; \(usage)") }
            switch name {
            case "--threads": threads = try Options.number(name, value)
            case "--runs": runs = try Options.number(name, value)
            case "--min-run-ms": minRunSeconds = Double(try Options.number(name, value)) / 1000
            case "--sizes":
                sizes = try value.split(separator: ",").map { try Options.number(name, String($0)) }
            default: throw BenchError(usage)
            }
        }
        guard threads > 0, runs > 0, !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else { throw BenchError(usage) }
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
    return "\(t.rows)x\(t.columns) kc=\(t.depth) mc=\(t.rowBlock) nc=\(t.columnBlock)"
}()

func runMatMul(_ options: MatMulOptions) throws {
    let multiplier = ParallelMultiply(threads: options.threads)
    var generator = SystemRandomNumberGenerator()
    for n in options.sizes {
        let a = (0..<(n * n)).map { _ in Float.random(in: -1...1, using: &generator) }
        let b = (0..<(n * n)).map { _ in Float.random(in: -1...1, using: &generator) }
        var c = [Float](repeating: 0, count: n * n)
        let measured = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    // One check outside the timings: four rows against a Double evaluation.
                    multiplier.multiply(a, b, into: c, m: n, n: n, k: n)
                    var error = 0.0, scale = 0.0
                    for i in 0..<min(4, n) {
                        for j in 0..<n {
                            var exact = 0.0
                            for p in 0..<n { exact += Double(a[i * n + p]) * Double(b[p * n + j]) }
                            error = max(error, abs(Double(c[i * n + j]) - exact))
                            scale = max(scale, abs(exact))
                        }
                    }
                    let relative = error / max(scale, .leastNormalMagnitude)
                    if relative > 1e-4 {
                        FileHandle.standardError.write(Data("StimBench matmul n=\(n): relative error \(relative)\n".utf8))
                    }
                    return measureMilliseconds(runs: options.runs, minRunSeconds: options.minRunSeconds) {
                        multiplier.multiply(a, b, into: c, m: n, n: n, k: n)
                    }
                }
            }
        }
        let flops = 2 * Double(n) * Double(n) * Double(n)
        let gflops = flops / (measured.median * 1e-3) / 1e9
        if options.json {
            let runs = measured.runs.map { "\(($0 * 1e6).rounded() / 1e6)" }.joined(separator: ", ")
            print("""
                {"kind": "measure", "peer": "stim", "workload": "d_matmul_n\(n)", \
                "median_ms": \((measured.median * 1e6).rounded() / 1e6), "runs": [\(runs)], \
                "threads": \(options.threads), "iters": \(measured.iterations), "flops": \(Int(flops)), \
                "gflops": \((gflops * 1000).rounded() / 1000), "tile": "\(tileDescription)"}
                """)
        } else {
            print(String(format: "stim  matmul n=%-5d %10.4f ms  [%.4f .. %.4f]  %7.2f GFLOP/s  threads %d",
                         n, measured.median, measured.runs.min()!, measured.runs.max()!, gflops, options.threads)
                  + "  tile \(tileDescription)")
        }
    }
}
