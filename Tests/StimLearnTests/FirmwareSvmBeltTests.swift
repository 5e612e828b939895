import StimFirmware
import StimFormats
import StimTestSupport
import Testing
@testable import StimLearn

/// SVM model buffers on real belts: trained on four Apnea-ECG records, scored on the four others through the
/// firmware path (`FirmwareModel`, as the C API), the class agrees with the float SVM's on ≥ 99.5% of the windows.
@Suite(.enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
struct FirmwareSvmBeltTests {
    static let trainingRecords: Set<String> = ["a01r", "a03r", "b01r", "c01r"]

    @Test(arguments: ["linear", "rbf"])
    func firmwareClassesAgreeWithFloatOnHeldOutRecords(kind: String) throws {
        let (examples, records) = try SvmReferenceTests.belt()
        let train = try examples.subset(records.indices.filter { Self.trainingRecords.contains(records[$0]) })
        let test = SvmReferenceTests.part(examples, records.indices.filter { !Self.trainingRecords.contains(records[$0]) })
        let options = kind == "linear"
            ? SvmOptions(kernel: SvmKernel(kind: .linear), c: 1, scaling: .standardize, collapseLinear: true)
            : SvmOptions(kernel: SvmKernel(kind: .rbf, gamma: SvmKernel.scaleGamma(features: train.values, featureCount: 120)), c: 1)
        let model = try SvmTrainer(options: options).train(train)
        let (bytes, quantized) = try model.firmwareBuffer(inputChannels: 2, calibration: train.values)
        let floatClasses = try model.predict(test.values)
        let hostScores = try quantized.scores(test.values)
        let count = test.labels.count
        var firmwareClasses: [Int] = [], sameScores = 0
        try withAlignedCopy(bytes) { aligned in
            let firmware = try FirmwareModel(UnsafeRawBufferPointer(aligned))
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: firmware.scratchBytes, alignment: 4)
            defer { scratch.deallocate() }
            try test.values.withUnsafeBufferPointer { all in
                for w in 0..<count {
                    let window = UnsafeBufferPointer(rebasing: all[w * 120..<(w + 1) * 120])
                    var votes = [Int8](repeating: 0, count: 2), score: Int64 = 0
                    try votes.withUnsafeMutableBufferPointer { _ = try firmware.score(window, scratch: scratch, into: $0) }
                    try withUnsafeMutablePointer(to: &score) {
                        _ = try firmware.machineScores(window, scratch: scratch, into: UnsafeMutableBufferPointer(start: $0, count: 1))
                    }
                    if score == hostScores[w] { sameScores += 1 }
                    firmwareClasses.append(votes.withUnsafeBufferPointer(FirmwareModel.bestClass))
                }
            }
        }
        let agreement = Double(zip(firmwareClasses, floatClasses).filter { $0 == $1 }.count) / Double(count)
        print("firmware \(kind) SVM on belts (train \(Self.trainingRecords.sorted()), \(count) held-out windows): "
              + "\(model.supportVectorCount) support vectors, buffer \(bytes.count) B; accuracy float "
              + "\(SvmReferenceTests.accuracy(floatClasses, test.labels)), firmware \(SvmReferenceTests.accuracy(firmwareClasses, test.labels)); "
              + "class agreement \(agreement)")
        #expect(sameScores == count)
        #expect(agreement >= 0.995)
        // Better than always answering the majority class.
        let majority = Double(max(test.labels.filter { $0 == 1 }.count, test.labels.filter { $0 == 0 }.count)) / Double(count)
        #expect(SvmReferenceTests.accuracy(firmwareClasses, test.labels) > majority)
    }
}
