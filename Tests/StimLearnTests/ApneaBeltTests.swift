import Foundation
import StimSignals
import StimTestSupport
import Testing
@testable import StimLearn

/// The accuracy bar, on real belts: the 8 Apnea-ECG respiration records at 1 Hz (Resp C + Resp A,
/// each record standardized), leave-one-record-out, a small CNN trained by this engine.
@Suite(.enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
struct ApneaBeltTests {
    static let records = ["a01r", "a02r", "a03r", "a04r", "b01r", "c01r", "c02r", "c03r"]

    static func windows() throws -> [String: TrainingData] {
        let folder = try #require(SharedData.path("apnea-ecg/resp-1hz"))
        var result: [String: TrainingData] = [:]
        for record in records {
            let path = folder.appendingPathComponent("\(record).hea").path
            let loaded = try RecordingLoader.load(path: path, channels: ["Resp C", "Resp A"])
            let (windows, _) = try Windower(channels: ["Resp C", "Resp A"], rate: 1,
                                            normalization: .init(method: .recordZScore))
                .windows(of: loaded.recording, labels: loaded.labels, file: path)
            result[record] = try TrainingData(exampleShape: [2, 60], classes: 2, inputs: windows.flatMap(\.samples),
                                              labels: windows.map { $0.apnea == true ? 1 : 0 })
        }
        return result
    }

    static let architecture = StudentArchitecture.cnn.layers(classes: 2)

    @Test func leaveOneRecordOut() throws {
        let data = try Self.windows()
        var pooled = ConfusionMatrix(classes: 2), pooledInt8 = ConfusionMatrix(classes: 2)
        for held in Self.records {
            let training = Self.records.filter { $0 != held }.map { data[$0]! }
            let merged = try TrainingData(exampleShape: [2, 60], classes: 2, inputs: training.flatMap(\.inputs),
                                          targets: training.flatMap(\.targets))
            let network = try Sequential(inputShape: [2, 60], layers: Self.architecture, seed: 1)
            var options = TrainingOptions()
            options.epochs = 25
            options.schedule = .cosine(floor: 0.05)
            _ = try Trainer(options: options).train(network, on: merged)
            let test = data[held]!
            let matrix = ConfusionMatrix(truth: test.labels, predicted: argmaxRows(network.predict(test.inputs), classes: 2),
                                         classes: 2)
            // int8: calibrated on every 8th training window.
            let calibration = merged.subset(Array(stride(from: 0, to: merged.count, by: 8))).inputs
            let quantized = try QuantizedNetwork(neuralNet: Quantizer.quantize(network, calibration: calibration),
                                                 inputShape: [2, 60])
            let int8 = ConfusionMatrix(truth: test.labels, predicted: argmaxRows(try quantized.predict(test.inputs), classes: 2),
                                       classes: 2)
            print("LORO \(held): accuracy \(matrix.accuracy) kappa \(matrix.kappa) int8 \(int8.accuracy) n \(matrix.total)")
            pooled.add(matrix)
            pooledInt8.add(int8)
        }
        print("LORO pooled: accuracy \(pooled.accuracy) kappa \(pooled.kappa); int8 accuracy \(pooledInt8.accuracy) kappa \(pooledInt8.kappa)")
        #expect(abs(pooled.accuracy - pooledInt8.accuracy) <= 0.005)
        // scikit-learn's RBF SVC on the same windows: about 0.91 accuracy, κ 0.82 (bench/learn/svc_baseline.py).
        #expect(pooled.accuracy >= 0.91)
        #expect(pooled.kappa >= 0.82)
    }
}
