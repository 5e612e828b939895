import Dispatch

/// Splits a batch into contiguous runs of examples, one per thread, for layers whose examples are
/// independent (convolutions): each run gets its own slice of the layer's scratch. With one thread the
/// work runs inline, exactly as without it.
struct BatchSplit {
    let batch: Int
    /// Examples per run (the last run may be shorter).
    let chunk: Int
    let parts: Int

    init(batch: Int, threads: Int) {
        self.batch = batch
        chunk = max(1, (batch + max(threads, 1) - 1) / max(threads, 1))
        parts = max(1, (batch + chunk - 1) / chunk)
    }

    func examples(_ part: Int) -> Range<Int> {
        (part * chunk)..<min(batch, (part + 1) * chunk)
    }

    func run(_ body: (Int) -> Void) {
        if parts == 1 {
            body(0)
        } else {
            // The runs touch disjoint slices of the outputs and of the scratch, and concurrentPerform returns
            // only when every run has: nothing outlives the call or is shared for writing.
            withoutActuallyEscaping(body) { body in
                nonisolated(unsafe) let work = body
                DispatchQueue.concurrentPerform(iterations: parts) { work($0) }
            }
        }
    }
}

/// A layer that can spread a batch over threads; `Sequential.threads` sets it.
protocol ThreadedLayer: AnyObject {
    var threads: Int { get set }
}
