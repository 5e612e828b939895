import Foundation
import StimTestSupport
import Testing
@testable import StimLearn

/// The linear SVM solver against LIBLINEAR (pip `liblinear-official`) with the same C, bias (`-B 1`) and
/// tolerance, on the Apnea-ECG belt windows and on MNIST 3-vs-5.
@Suite(.enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"),
       .enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
struct LinearSvmReferenceTests {
    static let losses: [LinearSvmSolver.Loss] = [.hinge, .squaredHinge]
    static let beltCost: Float = 0.01

    static func liblinearName(_ loss: LinearSvmSolver.Loss) -> String { loss == .hinge ? "-s 3" : "-s 1" }

    // Leave-one-record-out over the 8 records, default tolerance 0.1: pooled accuracy within 0.5 points. C = 0.01:
    // at C = 1 neither solver converges on raw belt windows within LIBLINEAR's 300 passes (a linear machine on
    // raw samples is a weak apnea detector: about 0.51–0.56 either way).
    @Test(arguments: losses)
    func beltLeaveOneRecordOutMatchesLiblinear(loss: LinearSvmSolver.Loss) throws {
        let windows = try ApneaBeltTests.windows()
        var correct = 0.0, reference = 0.0, total = 0.0
        for held in ApneaBeltTests.records {
            let training = BinaryExamples.belt(ApneaBeltTests.records.filter { $0 != held }, from: windows)
            let test = BinaryExamples.belt([held], from: windows)
            let (machine, _) = try training.train(LinearSvmSolver(loss: loss), cost: Self.beltCost)
            let liblinear = try LiblinearReference.train(training.features, count: training.count, dimension: 120,
                                                         labels: training.labels, cost: Self.beltCost, loss: loss, tolerance: 0.1)
            let n = Double(test.count)
            correct += n * test.accuracy(weights: machine.weights, bias: machine.bias)
            reference += n * test.accuracy(weights: liblinear.weights, bias: liblinear.bias)
            total += n
        }
        print("linear SVM \(Self.liblinearName(loss)) belt LORO accuracy: stim \(correct / total), LIBLINEAR \(reference / total)")
        #expect(abs(correct - reference) / total <= 0.005)
    }

    // All 3,951 windows: the weights and the decision values correlate > 0.999 with LIBLINEAR's, and the dual
    // objectives agree (both stop at tolerance 0.01 here, so each is within a small gap of the optimum).
    @Test(arguments: losses)
    func beltAllWindowsSameMachineAsLiblinear(loss: LinearSvmSolver.Loss) throws {
        let examples = BinaryExamples.belt(ApneaBeltTests.records, from: try ApneaBeltTests.windows())
        try compare(examples, loss: loss, cost: Self.beltCost, tolerance: 0.01, name: "belt")
    }

    // MNIST 3 vs 5 (2,000 training digits, 784 pixels/255): same checks, and test accuracy within 0.5 points.
    @Test(arguments: losses)
    func mnistPairSameMachineAsLiblinear(loss: LinearSvmSolver.Loss) throws {
        let training = try MnistPair.load(3, 5, split: "train", limit: 2000)
        let test = try MnistPair.load(3, 5, split: "t10k", limit: 10_000)
        let (machine, liblinear) = try compare(training, loss: loss, cost: 0.1, tolerance: 0.01, name: "MNIST 3-5")
        let accuracy = test.accuracy(weights: machine.weights, bias: machine.bias)
        let referenceAccuracy = test.accuracy(weights: liblinear.weights, bias: liblinear.bias)
        print("linear SVM \(Self.liblinearName(loss)) MNIST 3-5 test accuracy (\(test.count) digits): stim \(accuracy), LIBLINEAR \(referenceAccuracy)")
        #expect(abs(accuracy - referenceAccuracy) <= 0.005)
        #expect(accuracy > 0.9)
    }

    @discardableResult
    func compare(_ examples: BinaryExamples, loss: LinearSvmSolver.Loss, cost: Float, tolerance: Double, name: String) throws
        -> (LinearMachine, LiblinearReference.Model) {
        let (machine, alpha) = try examples.train(LinearSvmSolver(loss: loss, tolerance: tolerance), cost: cost)
        let liblinear = try LiblinearReference.train(examples.features, count: examples.count, dimension: examples.dimension,
                                                     labels: examples.labels, cost: cost, loss: loss, tolerance: tolerance)
        let weights = Statistics.correlation(machine.weights.map(Double.init) + [Double(machine.bias)],
                                             liblinear.weights.map(Double.init) + [Double(liblinear.bias)])
        let decisions = Statistics.correlation(examples.decisions(weights: machine.weights, bias: machine.bias),
                                               examples.decisions(weights: liblinear.weights, bias: liblinear.bias))
        let objective = examples.dualObjective(machine, alpha: alpha, loss: loss, cost: cost)
        print("linear SVM \(Self.liblinearName(loss)) \(name) C=\(cost) eps=\(tolerance): weight correlation \(weights), "
              + "decision correlation \(decisions), dual objective stim \(objective) (\(machine.iterations) passes), "
              + "LIBLINEAR \(liblinear.objective) (\(liblinear.iterations) passes)")
        #expect(weights > 0.999)
        #expect(decisions > 0.999)
        // LIBLINEAR prints its objective with 6 decimals; both are upper bounds of the same minimum.
        #expect(abs(objective - liblinear.objective) <= 0.002 * abs(liblinear.objective) + 1e-6)
        // KKT: the solver measured each gradient at its visit in its last pass, and the later steps of that pass move
        // it a little, so the spread at the end is checked against twice the tolerance.
        #expect(examples.projectedGradientSpread(machine, alpha: alpha, loss: loss, cost: cost) <= 2 * tolerance)
        return (machine, liblinear)
    }
}
