import Foundation
import StimKernels
import StimTestSupport
import Testing
@testable import StimLearn

/// The integer SVM path against float scoring: a linear machine trained by `LinearSvmSolver` on the belt
/// windows, and a synthetic RBF model.
@Suite struct QuantizedSvmTests {
    struct Agreement {
        var correlation: Double, maxError: Double, labels: Double
    }

    static func agreement(_ quantized: [Float], _ exact: [Double]) -> Agreement {
        let q = quantized.map(Double.init)
        let same = zip(q, exact).filter { ($0 > 0) == ($1 > 0) }.count
        return Agreement(correlation: Statistics.correlation(q, exact), maxError: zip(q, exact).map { abs($0 - $1) }.max() ?? 0,
                         labels: Double(same) / Double(exact.count))
    }

    @Test(.enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
    func linearOnBeltWindowsAgreesWithFloat() throws {
        let windows = try ApneaBeltTests.windows()
        let examples = BinaryExamples.belt(ApneaBeltTests.records, from: windows)
        let (machine, _) = try examples.train(LinearSvmSolver(), cost: 1)
        // Calibrated on every 4th window; an offset and scale standardize as a stored model's scaling would.
        let rows: [Int] = Array(stride(from: 0, to: examples.count, by: 4))
        let calibration: [Float] = rows.flatMap { (i: Int) -> ArraySlice<Float> in examples.features[i * 120..<(i + 1) * 120] }
        let offset = (0..<120).map { Float($0 % 3) * 0.01 }, scale = (0..<120).map { 1 + Float($0 % 5) * 0.1 }
        let quantized = try QuantizedSvm(linearWeights: machine.weights, bias: [machine.bias], dimension: 120, offset: offset,
                                         scale: scale, calibration: calibration)
        let exact = (0..<examples.count).map { i in
            (0..<120).reduce(Double(machine.bias)) { sum, k in
                sum + Double(machine.weights[k]) * (Double(examples.features[i * 120 + k]) - Double(offset[k])) * Double(scale[k])
            }
        }
        let a = Self.agreement(try quantized.decisionValues(examples.features), exact)
        print("quantized linear SVM on \(examples.count) belt windows: correlation \(a.correlation), max error \(a.maxError) "
              + "(decision range \(exact.min()!)…\(exact.max()!)), label agreement \(a.labels)")
        #expect(a.correlation > 0.9999)
        #expect(a.labels >= 0.995)
        #expect(a.maxError < 0.01 * (exact.map(abs).max() ?? 1))
    }

    // 300 support vectors in 120 dimensions, 3 machines (one-vs-one style, each using a part of the vectors), γ = 1/120.
    @Test func rbfAgreesWithFloat() throws {
        var random = Xoshiro256StarStar(seed: 17)
        let dimension = 120, count = 300, machines = 3, gamma: Float = 1.0 / 120
        let vectors = (0..<count * dimension).map { _ in Float(random.nextNormal()) }
        let coefficients = (0..<machines * count).map { e in
            e % machines == (e / count) % machines ? 0 : Float(random.nextDouble(in: -1..<1))
        }
        let bias = [Float(0.3), -0.2, 0.05]
        let quantized = try QuantizedSvm(rbfSupportVectors: vectors, coefficients: coefficients, bias: bias, gamma: gamma,
                                         dimension: dimension)
        let windows = (0..<2000 * dimension).map { _ in Float(0.9 * random.nextNormal()) }
        var exact: [Double] = []
        for i in 0..<2000 {
            let kernel = (0..<count).map { j in
                Foundation.exp(-Double(gamma) * (0..<dimension).reduce(0.0) { sum, k in
                    let d = Double(windows[i * dimension + k]) - Double(vectors[j * dimension + k])
                    return sum + d * d
                })
            }
            for m in 0..<machines {
                exact.append((0..<count).reduce(Double(bias[m])) { $0 + Double(coefficients[m * count + $1]) * kernel[$1] })
            }
        }
        let a = Self.agreement(try quantized.decisionValues(windows), exact)
        print("quantized RBF SVM (300 vectors, 3 machines, 2000 windows): correlation \(a.correlation), max error \(a.maxError) "
              + "(decision range \(exact.min()!)…\(exact.max()!)), label agreement \(a.labels)")
        #expect(a.correlation > 0.9999)
        #expect(a.labels >= 0.995)
        #expect(a.maxError < 0.01)
    }

    @Test func badInputIsATypedError() {
        func error(_ body: () throws -> Any) -> LearnError? {
            do {
                _ = try body()
                return nil
            } catch { return error as? LearnError }
        }
        #expect(error { try QuantizedSvm(linearWeights: [1, 2, 3], bias: [0], dimension: 2, calibration: [1, 2]) }
                == .shape("quantized SVM: 3 weights for 1 machines × 2 features"))
        #expect(error { try QuantizedSvm(linearWeights: [1, 2], bias: [0], dimension: 2, calibration: []) }
                == .data("quantized SVM: no calibration rows to set the feature ranges"))
        #expect(error { try QuantizedSvm(linearWeights: [1, .nan], bias: [0], dimension: 2, calibration: [1, 2]) }
                == .data("quantized SVM: weights value 1 is nan"))
        #expect(error { try QuantizedSvm(linearWeights: [1, 2], bias: [0], dimension: 2, offset: [0], calibration: [1, 2]) }
                == .shape("quantized SVM: 1 offsets and 2 scales for 2 features"))
        #expect(error { try QuantizedSvm(rbfSupportVectors: [1, 2], coefficients: [1], bias: [0], gamma: 0, dimension: 2) }
                == .parameter("quantized SVM: gamma 0.0 must be finite and > 0"))
        #expect(error { try QuantizedSvm(rbfSupportVectors: [1, 2], coefficients: [1, 2], bias: [0], gamma: 1, dimension: 2) }
                == .shape("quantized SVM: 2 coefficients for 1 machines × 1 support vectors"))
        #expect(error { try QuantizedSvm(rbfSupportVectors: [1, 2, 3], coefficients: [1], bias: [0], gamma: 1, dimension: 2) }
                == .shape("quantized SVM: 3 support-vector values for 2 features"))
        let svm = try? QuantizedSvm(linearWeights: [1, 2], bias: [0], dimension: 2, calibration: [1, 2])
        #expect(error { try svm!.scores([1, 2, 3]) } == .shape("quantized SVM: 3 windows values are not rows of 2 features"))
        #expect(error { try svm!.scores([1, .infinity]) } == .data("quantized SVM: windows value 1 is inf"))
        // w·x = 1 + 4 = 5 for x = (1, 2), the calibration's extremes, and −5 for −x.
        let values = (try? svm!.decisionValues([1, 2, -1, -2])) ?? []
        #expect(values.count == 2 && abs(values[0] - 5) < 1e-3 && abs(values[1] + 5) < 1e-3)
    }
}
