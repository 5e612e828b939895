import Foundation
import StimFormats
import StimKernels
import Testing
@testable import StimLearn

/// Networks to and from the model format, batch-norm folding, and the integer path.
@Suite struct ModelConversionTests {
    static let teacher = StudentArchitecture.cnn.layers(classes: 2)

    static func randomInputs(_ count: Int, seed: UInt64) -> [Float] {
        var generator = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in Float(generator.nextNormal()) }
    }

    static func model(_ net: NeuralNet) -> StudentModel {
        StudentModel(task: "apnea", classNames: ["normal", "apnea"],
                     input: InputSpec(channels: [Channel(name: "Resp C", unit: "", samplingRate: 1),
                                                 Channel(name: "Resp A", unit: "", samplingRate: 1)],
                                      samplesPerWindow: 60),
                     body: .net(net))
    }

    /// Float32 through a .stimm file and back: the same outputs, bit for bit, and the same parameter count.
    @Test func floatModelFileRoundTrip() throws {
        let network = try Sequential(inputShape: [2, 60], layers: Self.teacher + [], seed: 4)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("roundtrip-\(UUID()).stimm").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let stored = Self.model(try network.neuralNet())
        try ModelFile.write(stored, to: file)
        let loaded = try ModelFile.read(path: file)
        #expect(loaded.parameterCount == network.parameterCount)
        guard case .net(let net) = loaded.body else { Issue.record("not a net"); return }
        let rebuilt = try Sequential(neuralNet: net, inputShape: [2, 60])
        let inputs = Self.randomInputs(5 * 120, seed: 1)
        #expect(rebuilt.predict(inputs) == network.predict(inputs))
        #expect(rebuilt.specs == network.specs)
    }

    /// Folding batch norm into the layer before changes nothing at inference (to float rounding), and
    /// dropout disappears.
    @Test func batchNormFoldsIntoThePreviousLayer() throws {
        let network = try Sequential(inputShape: [2, 20], layers: [
            .conv1d(filters: 4, kernel: 3, padding: 1), .batchNorm(), .relu, .dropout(rate: 0.5), .flatten,
            .dense(units: 6), .batchNorm(), .tanh, .dense(units: 3),
        ], seed: 2)
        // Non-trivial running statistics and affine parameters.
        for step in 0..<5 {
            let batch = Self.randomInputs(8 * 40, seed: UInt64(step)).map { 3 * $0 + 1 }
            batch.withUnsafeBufferPointer { _ = network.forward($0, batch: 8, training: true) }
        }
        for parameter in network.parameters where parameter.name == "gamma" || parameter.name == "beta" {
            Self.randomInputs(parameter.count, seed: 9).withUnsafeBufferPointer { parameter.value.copy(from: $0) }
        }
        let folded = try network.neuralNet()
        #expect(folded.layers.count == 6)  // conv, relu, flatten, dense, tanh, dense
        let rebuilt = try Sequential(neuralNet: folded, inputShape: [2, 20])
        let inputs = Self.randomInputs(10 * 40, seed: 3)
        for (a, b) in zip(rebuilt.predict(inputs), network.predict(inputs)) {
            #expect(abs(a - b) <= 1e-4 * max(1, abs(b)), "\(a) vs \(b)")
        }
        // Batch norm first has nothing to fold into.
        let first = try Sequential(inputShape: [4], layers: [.batchNorm(), .dense(units: 2)])
        #expect(throws: LearnError.self) { try first.neuralNet() }
    }

    /// The integer path follows the float network: dequantized scores within a few output steps, and
    /// the same class on nearly every example.
    @Test func quantizedNetworkFollowsFloat() throws {
        let network = try Sequential(inputShape: [2, 60], layers: Self.teacher, seed: 5)
        let calibration = Self.randomInputs(200 * 120, seed: 6)
        let quantized = try QuantizedNetwork(neuralNet: Quantizer.quantize(network, calibration: calibration),
                                             inputShape: [2, 60])
        let inputs = Self.randomInputs(100 * 120, seed: 7)
        let float = network.predict(inputs)
        let integer = try quantized.predict(inputs)
        let step = quantized.outputQuantization.scale
        let range = (float.max()! - float.min()!)
        var worst: Float = 0
        for (a, b) in zip(float, integer) { worst = max(worst, abs(a - b)) }
        #expect(worst <= max(6 * step, 0.05 * range), "worst |float − int8| \(worst), output step \(step)")
        let agreement = zip(argmaxRows(float, classes: 2), argmaxRows(integer, classes: 2)).filter { $0 == $1 }.count
        #expect(agreement >= 95, "int8 and float agree on \(agreement) of 100 classes")
    }

    /// The arena figure by hand for the teacher: scratch for the largest convolution columns; buffer 0
    /// holds input 120, pool outputs 480 and 480, global pool 32 → 480; buffer 1 holds conv outputs 960,
    /// 960, 480 and the 2 scores → 960. Inference touches all of it.
    @Test func arenaIsComputedExactly() throws {
        let network = try Sequential(inputShape: [2, 60], layers: Self.teacher, seed: 5)
        let quantized = try QuantizedNetwork(neuralNet: Quantizer.quantize(network, calibration: Self.randomInputs(1200, seed: 1)),
                                             inputShape: [2, 60])
        // Scratch: conv2's 80 taps as 40 int16 pairs × 30 positions rounded up to 32 × 4 bytes
        // (Int8Convolution.packedScratchCount); then the two activation buffers.
        #expect(quantized.arenaBytes == 40 * 32 * 4 + 480 + 960)
        _ = try Self.randomInputs(120, seed: 2).withUnsafeBufferPointer { try quantized.classify($0) }
        #expect(quantized.peakBytes == quantized.arenaBytes)
    }

    /// The float32 figures are what the network allocates: inference holds no gradient buffers.
    @Test func floatWorkingSetIsWhatIsAllocated() throws {
        let network = try Sequential(inputShape: [2, 60], layers: Self.teacher, seed: 5)
        _ = Self.randomInputs(120, seed: 1).withUnsafeBufferPointer { network.forward($0, batch: 1) }
        #expect(network.allocatedCount == network.workingSetCount(batch: 1))
        let batch = Self.randomInputs(8 * 120, seed: 2)
        let logits = batch.withUnsafeBufferPointer { Array(network.forward($0, batch: 8, training: true)) }
        logits.withUnsafeBufferPointer { network.backward($0, batch: 8) }
        #expect(network.allocatedCount == network.workingSetCount(batch: 8, training: true))
    }

    /// Tabulated activations (tanh, sigmoid, leaky ReLU) and average pooling on the integer path.
    @Test func tabulatedActivations() throws {
        let network = try Sequential(inputShape: [3, 16], layers: [
            .conv1d(filters: 6, kernel: 3), .tanh, .averagePool1d(kernel: 2, stride: 2), .conv1d(filters: 4, kernel: 3),
            .leakyRelu(slope: 0.1), .flatten, .dense(units: 5), .sigmoid, .dense(units: 3),
        ], initializer: .glorotNormal, seed: 8)
        let quantized = try QuantizedNetwork(neuralNet: Quantizer.quantize(network, calibration: Self.randomInputs(300 * 48, seed: 1)),
                                             inputShape: [3, 16])
        let inputs = Self.randomInputs(50 * 48, seed: 2)
        let float = network.predict(inputs), integer = try quantized.predict(inputs)
        let range = float.max()! - float.min()!
        for (a, b) in zip(float, integer) { #expect(abs(a - b) <= 0.1 * range, "\(a) vs \(b)") }
    }

    @Test func integerPathRefusesWhatItCannotRun() throws {
        let network = try Sequential(inputShape: [2, 60], layers: Self.teacher, seed: 5)
        #expect(throws: LearnError.self) { try QuantizedNetwork(neuralNet: network.neuralNet(), inputShape: [2, 60]) }
        let quantized = try QuantizedNetwork(neuralNet: Quantizer.quantize(network, calibration: Self.randomInputs(1200, seed: 1)),
                                             inputShape: [2, 60])
        var window = Self.randomInputs(120, seed: 3)
        window[17] = .nan
        #expect(throws: LearnError.self) { _ = try window.withUnsafeBufferPointer { try quantized.classify($0) } }
        #expect(throws: LearnError.self) { _ = try [Float](repeating: 0, count: 60).withUnsafeBufferPointer { try quantized.classify($0) } }
        #expect(throws: LearnError.self) { try Quantizer.quantize(network, calibration: [1, 2, 3]) }
        // Damaged quantization parameters are refused, not trusted.
        let good = try Quantizer.quantize(network, calibration: Self.randomInputs(1200, seed: 1))
        var badZero = good
        badZero.layers[0].outputQuantization?.zeroPoint = 500
        #expect(throws: LearnError.self) { try QuantizedNetwork(neuralNet: badZero, inputShape: [2, 60]) }
        var badWeights = good
        if case .conv1d(var c) = badWeights.layers[0].kind {
            c.weight.data.removeLast(3)
            badWeights.layers[0].kind = .conv1d(c)
        }
        #expect(throws: LearnError.self) { try QuantizedNetwork(neuralNet: badWeights, inputShape: [2, 60]) }
        var badShift = good
        badShift.layers[3].outputQuantization?.shift[0] = 40
        #expect(throws: LearnError.self) { try QuantizedNetwork(neuralNet: badShift, inputShape: [2, 60]) }
        #expect(throws: LearnError.self) { try QuantizedNetwork(neuralNet: good, inputShape: [2, 0]) }
        // A quantized model cannot be loaded as a float network.
        #expect(throws: LearnError.self) {
            try Sequential(neuralNet: Quantizer.quantize(network, calibration: Self.randomInputs(1200, seed: 1)), inputShape: [2, 60])
        }
    }
}
