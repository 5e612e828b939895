import Foundation
import StimKernels
import StimTestSupport
import Testing
@testable import StimLearn

/// The linear SVM solver on problems whose answer is known in closed form, its optimality conditions, and bad input.
@Suite struct LinearSvmTests {
    // x = ±1 with labels ±1 and no bias: w = 2α, so the dual is 2α² + α²/(2C)·[squared hinge] − 2α, minimized at
    // α = 2/(4 + 1/C) (squared hinge) or α = ½ (hinge, C ≥ ½), and w = 2α.
    @Test(arguments: [(LinearSvmSolver.Loss.hinge, Float(10), Float(1)), (.squaredHinge, 1, 0.8), (.squaredHinge, 0.25, 0.5)])
    func twoPointsClosedForm(loss: LinearSvmSolver.Loss, cost: Float, expected: Float) throws {
        let examples = BinaryExamples(features: [1, -1], count: 2, dimension: 1, labels: [1, -1])
        let (machine, _) = try examples.train(LinearSvmSolver(loss: loss, tolerance: 1e-9), cost: cost, bias: false)
        #expect(abs(machine.weights[0] - expected) < 1e-6)
        #expect(machine.bias == 0)
    }

    // Separable clouds with a shifted centre need the bias: with it, every example is classified right.
    @Test func biasFeatureShiftsTheBoundary() throws {
        var examples = BinaryExamples.gaussian(count: 200, dimension: 3, separation: 8, seed: 3)
        examples.features = examples.features.map { $0 + 20 }
        let (machine, _) = try examples.train(LinearSvmSolver(), cost: 1)
        #expect(examples.accuracy(weights: machine.weights, bias: machine.bias) == 1)
        #expect(machine.bias < -1)
    }

    @Test(arguments: [LinearSvmSolver.Loss.hinge, .squaredHinge])
    func stopsWithProjectedGradientWithinTolerance(loss: LinearSvmSolver.Loss) throws {
        let examples = BinaryExamples.gaussian(count: 600, dimension: 20, separation: 0.6, seed: 5)
        for tolerance in [0.1, 0.01] {
            let (machine, alpha) = try examples.train(LinearSvmSolver(loss: loss, tolerance: tolerance), cost: 0.5)
            #expect(machine.iterations < 1000)
            // Measured at the end rather than at each visit of the last pass, as the reference tests do.
            #expect(examples.projectedGradientSpread(machine, alpha: alpha, loss: loss, cost: 0.5) <= 2 * tolerance)
            #expect(alpha.allSatisfy { $0 >= 0 && (loss == .squaredHinge || $0 <= 0.5) })
        }
    }

    // Shrinking only skips examples: with and without it, and for another permutation seed, the solutions' dual
    // objectives agree to what the tolerance allows, and the machines almost coincide.
    @Test(arguments: [LinearSvmSolver.Loss.hinge, .squaredHinge])
    func shrinkingAndSeedDoNotChangeTheSolution(loss: LinearSvmSolver.Loss) throws {
        let examples = BinaryExamples.gaussian(count: 800, dimension: 30, separation: 0.5, seed: 7)
        let tight = LinearSvmSolver(loss: loss, tolerance: 1e-4, maxIterations: 100_000)
        let (reference, referenceAlpha) = try examples.train(tight, cost: 1)
        let best = examples.dualObjective(reference, alpha: referenceAlpha, loss: loss, cost: 1)
        for variant in [LinearSvmSolver(loss: loss, shrinking: true), LinearSvmSolver(loss: loss, shrinking: false),
                        LinearSvmSolver(loss: loss, seed: 99)] {
            let (machine, alpha) = try examples.train(variant, cost: 1)
            let objective = examples.dualObjective(machine, alpha: alpha, loss: loss, cost: 1)
            #expect(objective >= best - 1e-6 * abs(best))
            #expect((objective - best) / abs(best) < 0.01, "objective \(objective) vs \(best)")
            let correlation = Statistics.correlation(machine.weights.map(Double.init) + [Double(machine.bias)],
                                                     reference.weights.map(Double.init) + [Double(reference.bias)])
            #expect(correlation > 0.99)
        }
    }

    @Test func sameSeedSameMachine() throws {
        let examples = BinaryExamples.gaussian(count: 300, dimension: 10, separation: 0.7, seed: 9)
        #expect(try examples.train(LinearSvmSolver(seed: 4), cost: 1).machine == examples.train(LinearSvmSolver(seed: 4), cost: 1).machine)
    }

    // Per-sample bounds: the squared hinge's Dᵢ = 1/(2Cᵢ) and the hinge's αᵢ ≤ Cᵢ both follow Cᵢ, so weighting one
    // class up moves the boundary away from it.
    @Test func perSampleCostsWeightTheClasses() throws {
        let examples = BinaryExamples.gaussian(count: 400, dimension: 2, separation: 1, seed: 11)
        for loss in [LinearSvmSolver.Loss.hinge, .squaredHinge] {
            let solver = LinearSvmSolver(loss: loss, tolerance: 0.001)
            let costs = examples.labels.map { $0 == 1 ? Float(10) : 0.1 }
            let weighted = try examples.features.withUnsafeBufferPointer {
                try solver.solve(features: $0, count: examples.count, dimension: 2, labels: examples.labels, costs: costs, bias: true)
            }
            let decisions = examples.decisions(weights: weighted.machine.weights, bias: weighted.machine.bias)
            let positives = (0..<examples.count).filter { examples.labels[$0] == 1 }
            let negatives = (0..<examples.count).filter { examples.labels[$0] == -1 }
            #expect(positives.filter { decisions[$0] > 0 }.count > negatives.filter { decisions[$0] < 0 }.count + 50)
            if loss == .hinge {
                #expect(zip(weighted.alpha, costs).allSatisfy { $0 <= Double($1) })
                #expect(negatives.contains { weighted.alpha[$0] == Double(Float(0.1)) })
            }
        }
    }

    // Mostly-zero rows take the sparse form, and its dot and axpy agree with the dense ones (the MNIST reference
    // tests train on it; the belt tests on the dense form).
    @Test func sparseRowsAgreeWithDense() {
        var random = Xoshiro256StarStar(seed: 13)
        let count = 50, dimension = 37
        let features = (0..<count * dimension).map { _ in random.nextInt(in: 0..<10) == 0 ? Float(random.nextNormal()) : 0 }
        let w = (0..<dimension).map { _ in Float(random.nextNormal()) }
        features.withUnsafeBufferPointer { x in
            let sparse = LinearSvmRows(features: x.baseAddress!, count: count, dimension: dimension)
            #expect(sparse.start != nil && sparse.value.count == features.filter { $0 != 0 }.count)
            let dense = LinearSvmRows(features: x.baseAddress!, count: count, dimension: dimension, sparse: false)
            #expect(dense.start == nil)
            for i in 0..<count {
                let exact = (0..<dimension).reduce(0.0) { $0 + Double(w[$1]) * Double(features[i * dimension + $1]) }
                w.withUnsafeBufferPointer {
                    #expect(abs(Double(sparse.dot($0.baseAddress!, row: i)) - exact) < 1e-5)
                    #expect(abs(Double(dense.dot($0.baseAddress!, row: i)) - exact) < 1e-5)
                }
                var a = w, b = w
                a.withUnsafeMutableBufferPointer { sparse.axpy(0.5, row: i, into: $0) }
                b.withUnsafeMutableBufferPointer { dense.axpy(0.5, row: i, into: $0) }
                #expect(a == b)
            }
        }
    }

    @Test func badInputIsATypedError() {
        let solver = LinearSvmSolver()
        func train(_ x: [Float], _ count: Int, _ dimension: Int, _ y: [Int8], _ c: [Float], _ s: LinearSvmSolver = LinearSvmSolver())
            -> LearnError? {
            do {
                _ = try x.withUnsafeBufferPointer { try s.train(features: $0, count: count, dimension: dimension, labels: y, costs: c, bias: true) }
                return nil
            } catch { return error as? LearnError }
        }
        #expect(train([], 0, 2, [], []) == .data("linear SVM: no examples"))
        #expect(train([1, 2], 1, 2, [1], [1]) == .data("linear SVM: every example has label 1; two classes are needed"))
        #expect(train([1, 2, 3], 2, 2, [1, -1], [1, 1]) == .shape("linear SVM: 3 feature values for 2 examples × 2"))
        #expect(train([1, 2], 2, 1, [1], [1, 1]) == .shape("linear SVM: 1 labels for 2 examples"))
        #expect(train([1, 2], 2, 1, [1, -1], [1]) == .shape("linear SVM: 1 costs for 2 examples"))
        #expect(train([1, 2], 2, 1, [1, 0], [1, 1]) == .data("linear SVM: label 0 of example 1 is not +1 or −1"))
        #expect(train([1, .nan, 3, 4], 2, 2, [1, -1], [1, 1]) == .data("linear SVM: feature 1 of example 0 is nan"))
        #expect(train([1, 2], 2, 1, [1, -1], [1, -1]) == .parameter("linear SVM: cost C -1.0 of example 1 must be finite and > 0"))
        #expect(train([1, 2], 2, 1, [1, -1], [0, 1]) == .parameter("linear SVM: cost C 0.0 of example 0 must be finite and > 0"))
        #expect(train([1, 2], 2, 1, [1, -1], [1, 1], LinearSvmSolver(tolerance: 0)) != nil)
        #expect(train([1, 2], 2, 1, [1, -1], [1, 1], LinearSvmSolver(maxIterations: 0)) != nil)
        #expect(train([1, 2], 2, 1, [1, -1], [1, 1], solver) == nil)
    }
}
