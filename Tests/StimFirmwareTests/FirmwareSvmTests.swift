import StimFirmware
import StimFormats
import StimKernels
import StimLearn
import StimTestSupport
import Testing

/// SVM model buffers: firmware's int64 machine scores are `QuantizedSvm`'s bit for bit, its votes pick the float
/// classifier's class, the scratch figure is what scoring touches, and damaged buffers are refused, not trusted.
@Suite struct FirmwareSvmTests {
    /// Four Gaussian classes over 2 channels × 12 samples, centres 2 apart along different features, plus an
    /// offset and spread per feature that standardization has to undo.
    static func examples(count: Int, seed: UInt64) throws -> SvmExamples {
        var generator = Xoshiro256StarStar(seed: seed)
        var values: [Float] = [], labels: [Int] = []
        for i in 0..<count {
            let label = i % 4
            for f in 0..<24 {
                let centre: Float = f % 4 == label ? 2 : 0
                values.append(3 + Float(f % 5) + (1 + Float(f % 3)) * (centre + Float(generator.nextNormal())))
            }
            labels.append(label)
        }
        return try SvmExamples(features: 24, classes: 4, values: values, labels: labels)
    }

    static let models: [(String, SvmOptions)] = [
        ("linear-ovo", SvmOptions(kernel: SvmKernel(kind: .linear), c: 1, scaling: .standardize, collapseLinear: true)),
        ("linear-ovr", SvmOptions(kernel: SvmKernel(kind: .linear), c: 1, multiclass: .oneVsRest, scaling: .standardize,
                                  collapseLinear: true)),
        ("rbf-ovo", SvmOptions(kernel: SvmKernel(kind: .rbf, gamma: 0.05), c: 2, scaling: .standardize)),
        ("rbf-ovr", SvmOptions(kernel: SvmKernel(kind: .rbf, gamma: 0.05), c: 2, multiclass: .oneVsRest, scaling: .standardize)),
    ]

    static func trained(_ name: String) throws -> (SvmClassifier, SvmExamples) {
        let options = try #require(models.first { $0.0 == name }).1
        let examples = try Self.examples(count: 400, seed: 7)
        return (try SvmTrainer(options: options).train(examples), examples)
    }

    @Test(arguments: models.map(\.0))
    func firmwareScoresAreQuantizedSvmsAndVotesAreTheFloatClass(name: String) throws {
        let (model, examples) = try Self.trained(name)
        let (bytes, quantized) = try model.firmwareBuffer(inputChannels: 2, calibration: examples.values)
        let test = try Self.examples(count: 1000, seed: 8)
        let expected = try quantized.scores(test.values)
        let floatClasses = try model.predict(test.values)
        let machines = model.machineCount
        try withAlignedCopy(bytes) { buffer in
            var info = [UInt32](repeating: 0, count: 10)
            #expect(info.withUnsafeMutableBytes { stim_model_check(buffer.baseAddress, buffer.count, $0.baseAddress) } == 0)
            let kind: FirmwareFormat.Kind = name.hasPrefix("rbf") ? .rbfSvm : .linearSvm
            #expect(info[0] == UInt32(kind.rawValue) && info[1] == 2 && info[2] == 12 && info[3] == 4 && info[4] == 0)
            var count = 0
            #expect(stim_machine_count(buffer.baseAddress, buffer.count, &count) == 0 && count == machines)
            let firmware = try FirmwareModel(UnsafeRawBufferPointer(buffer))
            #expect(Int(info[5]) == firmware.scratchBytes)
            // 8-byte and only 4-byte aligned scratch: the scores move up 4 bytes in the second.
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: firmware.scratchBytes + 4, alignment: 8)
            defer { storage.deallocate() }
            var agree = 0, peaks = Set<Int>()
            for w in 0..<test.count {
                let window = Array(test.values[w * 24..<(w + 1) * 24])
                let scratch = UnsafeMutableRawBufferPointer(rebasing: storage[(4 * (w % 2))..<(4 * (w % 2) + firmware.scratchBytes)])
                var scores = [Int64](repeating: 0, count: machines)
                let status = window.withUnsafeBufferPointer { x in
                    stim_svm_scores(buffer.baseAddress, buffer.count, x.baseAddress, 24, scratch.baseAddress, scratch.count,
                                    &scores, machines)
                }
                #expect(status == 0)
                #expect(scores == Array(expected[w * machines..<(w + 1) * machines]), "window \(w)")
                var votes = [Int8](repeating: 0, count: 4)
                let peak = try window.withUnsafeBufferPointer { x in
                    try votes.withUnsafeMutableBufferPointer { try firmware.score(x, scratch: scratch, into: $0) }
                }
                peaks.insert(peak)
                let best = votes.withUnsafeBufferPointer(FirmwareModel.bestClass)
                #expect(votes.map(Int.init).reduce(0, +) == (model.multiclass == .oneVsOne ? machines : 1))
                if best == floatClasses[w] { agree += 1 }
            }
            // The scratch figure is exact: reached with the worst alignment, never passed.
            #expect(peaks.max() == firmware.scratchBytes)
            let agreement = Double(agree) / Double(test.count)
            print("firmware SVM \(name): \(machines) machines, \(model.supportVectorCount) support vectors, buffer \(bytes.count) B, "
                  + "scratch \(firmware.scratchBytes) B, class agreement with float \(agreement) on \(test.count) windows")
            #expect(agreement >= 0.995)
        }
    }

    /// Class votes as the float model counts them, on a hand-made two-class buffer whose machine sign is known.
    @Test func binaryLinearVotesFollowTheSign() throws {
        let model = try SvmClassifier(kernel: SvmKernel(kind: .linear), multiclass: .oneVsOne, classes: 2, features: 2,
                                      scaling: .identity, machines: .linear(weight: [1, -1]), bias: [0.5])
        let (bytes, _) = try model.firmwareBuffer(inputChannels: 1, calibration: [2, 2, -2, -2])
        try withAlignedCopy(bytes) { buffer in
            let firmware = try FirmwareModel(UnsafeRawBufferPointer(buffer))
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: firmware.scratchBytes, alignment: 4)
            defer { scratch.deallocate() }
            for (window, expected) in [([Float(1), 0], [Int8(1), 0]), ([0, 1], [0, 1]), ([-1, -1.75], [1, 0])] {
                var votes = [Int8](repeating: 7, count: 2)
                try window.withUnsafeBufferPointer { x in
                    try votes.withUnsafeMutableBufferPointer { _ = try firmware.score(x, scratch: scratch, into: $0) }
                }
                #expect(votes == expected, "window \(window)")
            }
        }
    }

    @Test func whatTheIntegerPathCannotRunIsRefused() throws {
        let examples = try Self.examples(count: 200, seed: 3)
        let polynomial = try SvmTrainer(options: SvmOptions(kernel: SvmKernel(kind: .polynomial, gamma: 0.1, degree: 2))).train(examples)
        #expect(throws: LearnError.unsupported("the integer SVM path runs linear and RBF machines, not a polynomial kernel")) {
            _ = try polynomial.firmwareBuffer(inputChannels: 2, calibration: examples.values)
        }
        let (linear, _) = try Self.trained("linear-ovo")
        #expect(throws: LearnError.data("quantized SVM: no calibration rows to set the feature ranges")) {
            _ = try linear.firmwareBuffer(inputChannels: 2, calibration: [])
        }
        #expect(throws: LearnError.self) { _ = try linear.firmwareBuffer(inputChannels: 5, calibration: examples.values) }
        // A network buffer has no machines to score.
        let net = try FirmwareModelTests.quantized(StudentArchitecture.mlp.layers(classes: 2))
        let netBytes = try net.firmwareBuffer(inputShape: [2, 60])
        withAlignedCopy(netBytes) { buffer in
            var scratch = [UInt8](repeating: 0, count: 64), scores = [Int64](repeating: 0, count: 1)
            let window = [Float](repeating: 0, count: 120)
            let status = scratch.withUnsafeMutableBytes { s in
                stim_svm_scores(buffer.baseAddress, buffer.count, window, 120, s.baseAddress, s.count, &scores, 1)
            }
            #expect(status == FirmwareError.unsupportedKind.rawValue)
        }
    }

    /// Every truncation refused; bytes changed with the checksum recomputed (so the body's own checks are reached)
    /// refused with a code or scored without trapping; NaN windows and short scratch are error codes.
    @Test(arguments: ["linear-ovo", "rbf-ovr"])
    func damagedBuffersAreRefusedNotTrusted(name: String) throws {
        let (model, examples) = try Self.trained(name)
        let (bytes, _) = try model.firmwareBuffer(inputChannels: 2, calibration: examples.values)
        for cut in 0..<bytes.count {
            let status = withAlignedCopy(Array(bytes[0..<cut])) { stim_model_check($0.baseAddress, $0.count, nil) }
            #expect(status != 0, "cut at \(cut)")
        }
        var window = Array(examples.values[0..<24])
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 8)
        defer { scratch.deallocate() }
        func score(_ bytes: [UInt8], scratchBytes: Int = 1 << 20) -> Int32 {
            withAlignedCopy(bytes) { buffer in
                let checked = stim_model_check(buffer.baseAddress, buffer.count, nil)
                guard checked == 0 else { return checked }
                var votes = [Int8](repeating: 0, count: 4)
                return stim_score(buffer.baseAddress, buffer.count, window, 24, scratch.baseAddress, scratchBytes, &votes, 4, nil)
            }
        }
        #expect(score(bytes) == 0)
        let need = try withAlignedCopy(bytes) { try FirmwareModel(UnsafeRawBufferPointer($0)).scratchBytes }
        #expect(score(bytes, scratchBytes: need - 1) == FirmwareError.scratchTooSmall.rawValue)
        window[5] = .nan
        #expect(score(bytes) == FirmwareError.nonFiniteInput.rawValue)
        window[5] = 0
        var generator = Xoshiro256StarStar(seed: 21)
        var refused = 0, scored = 0
        let positions = Array(0..<min(bytes.count - 4, 400)) + (0..<200).map { _ in Int(generator.next() % UInt64(bytes.count - 4)) }
        for position in positions {
            var damaged = bytes
            damaged[position] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            let crc = CRC32C.checksum(Array(damaged[0..<(damaged.count - 4)]))
            withUnsafeBytes(of: crc.littleEndian) { damaged.replaceSubrange(damaged.count - 4..<damaged.count, with: $0) }
            if score(damaged) == 0 { scored += 1 } else { refused += 1 }
        }
        #expect(refused > 30 && scored > 30, "refused \(refused), scored \(scored)")
    }
}
