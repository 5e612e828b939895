import Dispatch
import StimKernels

/// C = alpha · op(A) · op(B) + beta · C (MatrixMultiply's layouts and rules) split among `threads` threads
/// with DispatchQueue.concurrentPerform: each thread computes a band of whole tiles of C, along the longer of
/// C's two sides, with MatrixMultiply.Optimized and its own scratch. Every element is computed exactly as the
/// single-threaded kernel computes it, so results do not depend on the thread count.
///
/// Products below `minimumMultiplyAdds` run on the calling thread alone (waking a second thread costs
/// microseconds, more than a small product takes). Holds threads × MatrixMultiply.Optimized.scratchCount
/// floats of scratch, so one instance must not run two products at the same time.
public final class ParallelMultiply: @unchecked Sendable {
    public let threads: Int
    /// m · n · k below which the product is not split (about a 48 × 48 × 48 product).
    public var minimumMultiplyAdds = 48 * 48 * 48
    private let scratch: UnsafeMutableBufferPointer<Float>

    public init(threads: Int = 2) {
        precondition(threads > 0, "ParallelMultiply needs at least one thread")
        ProcessorKernels.install()
        self.threads = threads
        scratch = .allocate(capacity: threads * MatrixMultiply.Optimized.scratchCount)
        scratch.initialize(repeating: 0)
    }

    deinit { scratch.deallocate() }

    public func multiply(
        _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, into c: UnsafeMutableBufferPointer<Float>,
        m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Float = 1, beta: Float = 0
    ) {
        let size = MatrixMultiply.Optimized.scratchCount
        // Along the longer side, but never into bands thinner than a tile's rows (those would take the
        // few-rows path and repack B per row).
        let alongRows = m >= n
        let tile = alongRows ? MatrixMultiply.Optimized.tiling.rows : MatrixMultiply.Optimized.tiling.columns
        let parts = min(threads, max(1, (alongRows ? m : n) / tile))
        if parts == 1 || m * n * k < minimumMultiplyAdds {
            MatrixMultiply.Optimized.multiply(
                a, b, into: c, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                alpha: alpha, beta: beta, scratch: UnsafeMutableBufferPointer(rebasing: scratch[0..<size]))
            return
        }
        // The threads write disjoint bands of C and their own scratch; A and B are only read.
        nonisolated(unsafe) let (a, b, c, scratch) = (a, b, c, scratch)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let band = MatrixMultiply.Optimized.partition(alongRows ? m : n, parts: parts, index: part, alongRows: alongRows)
            MatrixMultiply.Optimized.multiply(
                a, b, into: c, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                alpha: alpha, beta: beta, rows: alongRows ? band : 0..<m, columns: alongRows ? 0..<n : band,
                scratch: UnsafeMutableBufferPointer(rebasing: scratch[(part * size)..<((part + 1) * size)]))
        }
    }
}
