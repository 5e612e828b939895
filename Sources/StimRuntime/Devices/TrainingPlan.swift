import Foundation
import StimLearn

/// How a student is trained on a device: threads, batch size, epochs, int8 or float, the SVM's cache and
/// support-vector budget, chosen so that training fits the profile's memory and time budgets, or a refusal
/// before training starts that says what to change.
public struct TrainingPlan: Sendable, Encodable {
    public var profile: String
    public var kind: String
    public var threads: Int
    public var batchSize: Int
    public var epochs: Int
    public var int8: Bool
    public var cacheBytes: Int
    public var supportVectorBudget: Int?
    /// Resident bytes of the process before training (measured), and what training adds (estimated).
    public var baselineBytes: Int
    public var memory: TrainingMemory
    public var budgetBytes: Int
    /// What was lowered to fit, in words.
    public var notes: [String] = []

    /// The process's bytes and training's: what the budget is checked against.
    public private(set) var estimatedPeakBytes = 0

    /// What the user asked for; the plan lowers these to fit, never raises them.
    public struct Request: Sendable {
        public var epochs = 30
        public var batchSize = 64
        public var threads = Int.max
        public var int8 = false
        public var cacheBytes = 64 << 20
        public var supportVectorBudget: Int?

        public init() {}
    }

    /// Networks halve their batch down to this to fit; an RBF SVM needs at least this budget to be worth keeping.
    static let smallestBatch = 8
    static let smallestSupportVectorBudget = 50

    /// Plans `kind` on `shape` for `profile`, with `availableCores` cores and `baselineBytes` already resident.
    public init(profile: DeviceProfile, kind: StudentKind, shape: TrainingMemory.Shape, request: Request,
                availableCores: Int, baselineBytes: Int) throws {
        try self.init(profile: profile, kind: kind, shape: shape, request: request, availableCores: availableCores,
                      baselineBytes: baselineBytes, explain: true)
    }

    /// `explain`: say what would fit when refusing (it plans smaller cases, which must not explain in turn).
    init(profile: DeviceProfile, kind: StudentKind, shape: TrainingMemory.Shape, request: Request,
         availableCores: Int, baselineBytes: Int, explain: Bool) throws {
        guard shape.examples > 0 else { throw TrainingPlanError.refused("the dataset holds no examples") }
        guard request.epochs >= 1, request.batchSize >= 1, request.threads >= 1, request.cacheBytes >= 0,
              (request.supportVectorBudget ?? 1) >= 1, (0..<1).contains(shape.validationFraction) else {
            throw TrainingPlanError.refused("epochs, batch size, threads and a support-vector budget must be at least 1, "
                                            + "the cache 0 bytes or more, the validation share in [0, 1)")
        }
        self.profile = profile.name
        self.kind = kind.rawValue
        self.baselineBytes = baselineBytes
        budgetBytes = profile.trainingMemoryBytes
        threads = max(1, min(request.threads, profile.cores, availableCores))
        epochs = request.epochs
        batchSize = request.batchSize
        int8 = !kind.isSvm && (request.int8 || profile.arithmetic == .int8)
        cacheBytes = request.cacheBytes
        // Plans for 90% of the budget: the estimate counts what training holds, not the allocator's slack.
        let available = budgetBytes * 9 / 10 - baselineBytes
        if let architecture = kind.architecture {
            memory = try TrainingMemory.network(architecture, shape: shape, batchSize: batchSize)
            while memory.total > available && batchSize > Self.smallestBatch {
                batchSize = max(Self.smallestBatch, batchSize / 2)
                memory = try TrainingMemory.network(architecture, shape: shape, batchSize: batchSize)
            }
            if batchSize < request.batchSize { notes.append("batch size lowered from \(request.batchSize) to \(batchSize) to fit memory") }
        } else if kind == .svmRbf {
            let fixed = TrainingMemory.svm(rbf: true, shape: shape, cacheBytes: 0, supportVectorBudget: nil)
            let left = available - fixed.dataset - fixed.model
            let n = shape.trainingExamples
            // The support-vector re-solve may take up to half of what is left; the cache gets the rest.
            if let wanted = request.supportVectorBudget ?? profile.supportVectors {
                // Below the smallest useful budget the plan keeps that one, and the memory check below refuses it.
                let fitting = max(Self.largestBudget(examples: n, bytes: left / 2), min(wanted, Self.smallestSupportVectorBudget))
                supportVectorBudget = min(wanted, fitting)
                if fitting < wanted { notes.append("support-vector budget lowered from \(wanted) to \(fitting) to fit memory") }
            }
            let resolve = supportVectorBudget.map { TrainingMemory.budgetResolveBytes(supportVectors: $0, examples: n) } ?? 0
            cacheBytes = max(min(request.cacheBytes, left - resolve, 4 * n * n), 8 * n)
            if cacheBytes < request.cacheBytes && cacheBytes < 4 * n * n {
                notes.append("kernel cache lowered from \(request.cacheBytes >> 20) MB to \(cacheBytes >> 20) MB to fit memory")
            }
            memory = TrainingMemory.svm(rbf: true, shape: shape, cacheBytes: cacheBytes, supportVectorBudget: supportVectorBudget)
        } else {
            memory = TrainingMemory.svm(rbf: false, shape: shape, cacheBytes: 0, supportVectorBudget: nil)
        }
        guard memory.total <= available else {
            throw TrainingPlanError.refused(explain ? refusal(kind: kind, shape: shape, profile: profile) : "")
        }
        estimatedPeakBytes = baselineBytes + memory.total
    }

    /// The largest m with the budget re-solve's bytes within `bytes`.
    static func largestBudget(examples n: Int, bytes: Int) -> Int {
        var low = 0, high = max(n, 1)
        while low < high {
            let middle = (low + high + 1) / 2
            if TrainingMemory.budgetResolveBytes(supportVectors: middle, examples: n) <= bytes { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Why the plan does not fit, with the figures and what would.
    private func refusal(kind: StudentKind, shape: TrainingMemory.Shape, profile: DeviceProfile) -> String {
        func megabytes(_ bytes: Int) -> String { "\((bytes + (1 << 20) - 1) >> 20) MB" }
        let fits = { (candidate: StudentKind, examples: Int) -> Bool in
            var smaller = shape
            smaller.examples = examples
            var request = Request()
            request.batchSize = Self.smallestBatch
            request.cacheBytes = 0
            return (try? TrainingPlan(profile: profile, kind: candidate, shape: smaller, request: request,
                                      availableCores: 1, baselineBytes: baselineBytes, explain: false)) != nil
        }
        var low = 0, high = shape.examples
        while low < high {
            let middle = (low + high + 1) / 2
            if fits(kind, middle) { low = middle } else { high = middle - 1 }
        }
        let smallerModels = StudentKind.allCases.filter { $0 != kind && fits($0, shape.examples) }.map(\.rawValue)
        var advice = [low > 0 ? "use fewer stimuli (at most about \(low) fit)" : "use fewer stimuli"]
        if !smallerModels.isEmpty { advice.append("a smaller model (\(smallerModels.joined(separator: ", ")) fit\(smallerModels.count == 1 ? "s" : ""))") }
        advice.append("or a profile with a larger training_memory_mb")
        return "training \(kind.rawValue) on \(shape.examples) examples needs about \(megabytes(memory.total)) "
            + "(dataset \(megabytes(memory.dataset)), model \(megabytes(memory.model)), working \(megabytes(memory.working))) "
            + "besides the process's \(megabytes(baselineBytes)), over \(profile.name)'s \(profile.trainingMemoryMB) MB training budget: "
            + advice.joined(separator: ", ")
    }

    /// Lowers the epochs so that training takes at most the profile's time, from one timed epoch of a network
    /// on a sample of the training examples on this very machine (the same `StudentTrainer` path). SVMs keep
    /// their plan: their time is not proportional to a sample's.
    public mutating func fitEpochs(_ kind: StudentKind, on training: TrainingData, validationExamples: Int,
                                   profile: DeviceProfile, seed: UInt64) throws {
        guard !kind.isSvm, training.count > 0 else { return }
        let sample = training.subset(Array(0..<min(training.count, 512)))
        var options = StudentTrainingOptions()
        options.epochs = 1
        options.batchSize = batchSize
        options.threads = threads
        options.seed = seed
        let clock = ContinuousClock(), start = clock.now
        _ = try StudentTrainer(options: options).train(kind, on: sample)
        let perExample = (clock.now - start) / .seconds(1) / Double(sample.count)
        // A validation pass is a forward pass, about a third of a training step; int8 calibration is one more.
        let epochSeconds = perExample * (Double(training.count) + Double(validationExamples) / 3)
        let calibrationSeconds = int8 ? perExample * Double(training.count) / 3 : 0
        let affordable = Int((profile.trainingSeconds * 0.9 - calibrationSeconds) / epochSeconds)
        guard affordable >= 1 else {
            let fitting = Int(profile.trainingSeconds * 0.9 / epochSeconds * Double(training.count + validationExamples))
            throw TrainingPlanError.refused(
                "one epoch of \(training.count) examples takes about \(String(format: "%.1f", epochSeconds)) s here, over "
                    + "\(profile.name)'s \(profile.trainingSeconds) s training budget: use fewer stimuli (about \(fitting) fit), "
                    + "the mlp model, or a faster profile")
        }
        if affordable < epochs {
            notes.append(String(format: "epochs lowered from %d to %d: one takes about %.1f s here", epochs, affordable, epochSeconds))
            epochs = affordable
        }
    }

    enum CodingKeys: String, CodingKey {
        case profile, kind, threads, epochs, int8, memory, notes
        case batchSize = "batch_size", cacheBytes = "cache_bytes", supportVectorBudget = "support_vector_budget"
        case baselineBytes = "baseline_bytes", budgetBytes = "budget_bytes", estimatedPeakBytes = "estimated_peak_bytes"
    }
}

/// Training that cannot fit a device's budgets; the message says what to change.
public enum TrainingPlanError: Error, Equatable, CustomStringConvertible {
    case refused(String)

    public var description: String {
        switch self {
        case .refused(let message): return "refused before training: \(message)"
        }
    }
}
