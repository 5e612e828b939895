import Dispatch

/// Splits a batch into contiguous runs of examples, one per thread, whose lengths differ by at most one.
/// With one part the work runs inline, exactly as without it.
struct BatchSplit {
    let batch: Int
    let parts: Int

    /// At most `threads` runs, none shorter than `minimumRun` examples (fewer runs if the batch is small).
    init(batch: Int, threads: Int, minimumRun: Int = 1) {
        self.batch = batch
        parts = max(1, min(threads, batch / max(minimumRun, 1)))
    }

    /// The longest run.
    var chunk: Int { (batch + parts - 1) / parts }

    func examples(_ part: Int) -> Range<Int> {
        (batch * part / parts)..<(batch * (part + 1) / parts)
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
