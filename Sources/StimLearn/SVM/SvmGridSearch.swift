/// Grid search over C and gamma with group k-fold cross-validation: every example of a group (a record, a
/// person) lies in the same fold, so neighbouring minutes of one night never sit on both sides of a split.
public struct SvmGridSearch: Sendable {
    public struct Cell: Sendable, Equatable {
        public var c: Double
        public var gamma: Float
        /// Pooled over every held-out example.
        public var accuracy: Double
        public var kappa: Double
        /// Mean number of support vectors of the fold models.
        public var supportVectors: Double
    }

    public struct Result: Sendable {
        /// C-major: cells[ci × gammas + gi].
        public var cells: [Cell]
        /// Highest accuracy; ties go to the smaller C, then the smaller gamma (the smoother model).
        public var best: Cell
    }

    public var cValues: [Double]
    public var gammaValues: [Float]
    public var folds: Int
    /// Everything else (kernel kind, tolerance, class weights, …); C and gamma are set per cell.
    public var options: SvmOptions

    public init(cValues: [Double], gammaValues: [Float], folds: Int = 5, options: SvmOptions = SvmOptions()) {
        self.cValues = cValues
        self.gammaValues = gammaValues
        self.folds = folds
        self.options = options
    }

    /// `groups` names each example's group; `progress(done, total)` after each cell.
    public func run(_ examples: SvmExamples, groups: [String], progress: ((Int, Int) -> Void)? = nil) throws -> Result {
        guard !cValues.isEmpty, !gammaValues.isEmpty else {
            throw LearnError.parameter("the grid needs at least one C and one gamma")
        }
        guard groups.count == examples.count else {
            throw LearnError.shape("\(groups.count) group names for \(examples.count) examples")
        }
        let assignment = try Self.groupFolds(groups, folds: folds)
        let foldMembers = (0..<folds).map { f in assignment.indices.filter { assignment[$0] == f } }
        var cells: [Cell] = []
        for c in cValues {
            for gamma in gammaValues {
                var cellOptions = options
                cellOptions.c = c
                cellOptions.kernel.gamma = gamma
                var matrix = ConfusionMatrix(classes: examples.classes)
                var supportVectors = 0
                for held in foldMembers {
                    let heldSet = Set(held)
                    let training = try examples.subset(examples.labels.indices.filter { !heldSet.contains($0) })
                    let model = try SvmTrainer(options: cellOptions).train(training)
                    let test = try examples.subset(held)
                    for (truth, predicted) in zip(test.labels, try model.predict(test.values)) {
                        matrix.add(truth: truth, predicted: predicted)
                    }
                    supportVectors += model.supportVectorCount
                }
                cells.append(Cell(c: c, gamma: gamma, accuracy: matrix.accuracy, kappa: matrix.kappa,
                                  supportVectors: Double(supportVectors) / Double(folds)))
                progress?(cells.count, cValues.count * gammaValues.count)
            }
        }
        let best = cells.enumerated().max { a, b in
            a.element.accuracy != b.element.accuracy ? a.element.accuracy < b.element.accuracy : a.offset > b.offset
        }!.element
        return Result(cells: cells, best: best)
    }

    /// The fold of each example: groups sorted by size (largest first, then by name) each go to the fold with
    /// the fewest examples so far, as scikit-learn's GroupKFold balances them.
    static func groupFolds(_ groups: [String], folds: Int) throws -> [Int] {
        var sizes: [String: Int] = [:]
        for g in groups { sizes[g, default: 0] += 1 }
        guard folds >= 2, folds <= sizes.count else {
            throw LearnError.parameter("\(folds) folds: need at least 2 and at most the number of groups, \(sizes.count)")
        }
        let ordered = sizes.keys.sorted { sizes[$0]! != sizes[$1]! ? sizes[$0]! > sizes[$1]! : $0 < $1 }
        var load = [Int](repeating: 0, count: folds)
        var foldOf: [String: Int] = [:]
        for g in ordered {
            let f = load.indices.min { load[$0] != load[$1] ? load[$0] < load[$1] : $0 < $1 }!
            foldOf[g] = f
            load[f] += sizes[g]!
        }
        return groups.map { foldOf[$0]! }
    }
}
