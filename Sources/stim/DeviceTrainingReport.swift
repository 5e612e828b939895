import StimRuntime

/// What `stim train --device` chose for the device, and the memory the process then used.
struct DeviceTrainingReport: Encodable {
    var plan: TrainingPlan
    var peakResidentBytes: Int

    enum CodingKeys: String, CodingKey {
        case plan
        case peakResidentBytes = "peak_resident_bytes"
    }

    func print() {
        var rows = [("device", plan.profile),
                    ("plan", "\(plan.threads) thread\(plan.threads == 1 ? "" : "s")"
                        + (plan.kind == "svm-rbf" ? ", kernel cache \(mib(plan.cacheBytes))"
                            + (plan.supportVectorBudget.map { ", at most \($0) support vectors" } ?? "")
                           : plan.kind == "svm-linear" ? "" : ", batch \(plan.batchSize), \(plan.epochs) epochs, \(plan.int8 ? "int8" : "float32")")),
                    ("memory", "estimated peak \(mib(plan.estimatedPeakBytes)) (process \(mib(plan.baselineBytes)) "
                        + "+ training \(mib(plan.memory.total))), measured peak \(mib(peakResidentBytes)), "
                        + "budget \(mib(plan.budgetBytes))")]
        rows += plan.notes.map { ("fitted", $0) }
        Output.table(rows)
    }

    /// Megabytes as the profiles count them (2^20 bytes).
    private func mib(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
}
