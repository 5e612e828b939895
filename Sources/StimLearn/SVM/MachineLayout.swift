import StimFormats

/// Which binary machines a multi-class SVM has and how their coefficients are laid out in the model.
struct MachineLayout {
    struct Machine {
        var positive: Set<Int>
        var negative: Set<Int>
    }

    let classes: Int
    /// One-vs-one whenever there are only two classes (a single machine either way).
    let multiclass: Svm.Multiclass
    let machines: [Machine]

    init(classes: Int, multiclass: Svm.Multiclass) {
        self.classes = classes
        self.multiclass = classes == 2 ? .oneVsOne : multiclass
        if self.multiclass == .oneVsOne {
            machines = (0..<classes).flatMap { i in ((i + 1)..<classes).map { j in Machine(positive: [i], negative: [j]) } }
        } else {
            machines = (0..<classes).map { c in Machine(positive: [c], negative: Set(0..<classes).subtracting([c])) }
        }
    }

    /// The coefficient matrix over the support vectors (listed by example index, grouped by class), from each
    /// machine's coefficients by example index. One-vs-one is LIBSVM's [classes − 1, SVs]: machine (i, j)
    /// writes row j − 1 for its class-i vectors and row i for its class-j vectors; one-vs-rest one row each.
    func coefficientMatrix(supportIndices: [Int], labels: [Int], coefficientOf: [[Int: Double]]) -> [Float] {
        let count = supportIndices.count
        let rows = multiclass == .oneVsOne ? classes - 1 : machines.count
        var matrix = [Float](repeating: 0, count: rows * count)
        for (m, machine) in machines.enumerated() {
            for (s, example) in supportIndices.enumerated() {
                guard let value = coefficientOf[m][example] else { continue }
                let row: Int
                if multiclass == .oneVsOne {
                    let i = machine.positive.first!, j = machine.negative.first!
                    row = labels[example] == i ? j - 1 : i
                } else {
                    row = m
                }
                matrix[row * count + s] = Float(value)
            }
        }
        return matrix
    }
}
