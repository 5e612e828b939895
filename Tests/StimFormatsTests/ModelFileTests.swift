import Foundation
import Testing
@testable import StimFormats

@Suite struct ModelFileTests {
    static func input() -> InputSpec {
        InputSpec(channels: [Channel(name: "Resp C", unit: "mV", samplingRate: 1), Channel(name: "Resp A", unit: "mV", samplingRate: 1)],
                  samplesPerWindow: 60, normalization: Normalization(method: .runningZScore, historyMinutes: 5, epsilon: 1e-3))
    }

    static func mlp() -> StudentModel {
        let w1 = Tensor(float32: (0..<(16 * 120)).map { Float($0 % 17) * 0.01 - 0.08 }, shape: [16, 120])
        let b1 = Tensor(float32: Array(repeating: 0.1, count: 16), shape: [16])
        let w2 = Tensor(int8: (0..<32).map { Int8($0 - 16) }, shape: [2, 16], scale: [0.01, 0.02])
        let b2 = Tensor(int32: [100, -100], shape: [2])
        let net = NeuralNet(layers: [
            Layer(name: "flatten", kind: .reshape([])),
            Layer(name: "dense1", kind: .dense(Dense(weight: w1, bias: b1))),
            Layer(name: "relu", kind: .activation(Activation(kind: .leakyRelu, alpha: 0.01))),
            Layer(name: "conv", kind: .conv1d(Conv(weight: Tensor(float32: [1, 2, 3], shape: [1, 1, 3]), stride: [2],
                                                   padding: [1], dilation: [1]))),
            Layer(name: "pool", kind: .pool(Pool(kind: .max, size: [2], stride: [2]))),
            Layer(name: "dense2", kind: .dense(Dense(weight: w2, bias: b2)),
                  outputQuantization: ActivationQuantization(scale: 0.1, zeroPoint: -3, multiplier: [1 << 30, 3 << 28],
                                                             shift: [-5, -6])),
        ], inputQuantization: ActivationQuantization(scale: 0.05, zeroPoint: 0))
        return StudentModel(task: "apnea", classNames: ["normal", "apnea"], input: input(), producer: "stim tests",
                            datasetDigest: Array(repeating: 7, count: 32), body: .net(net))
    }

    static func svm() -> StudentModel {
        let svm = Svm(kernel: SvmKernel(kind: .rbf, gamma: 0.01), featureOffset: Array(repeating: 0.5, count: 120),
                      featureScale: Array(repeating: 2, count: 120),
                      supportVectors: Tensor(float32: (0..<360).map { Float($0) }, shape: [3, 120]),
                      dualCoef: Tensor(float32: [0.5, -0.25, -0.25], shape: [1, 3]), supportPerClass: [1, 2],
                      bias: [0.125], probA: [-1.5], probB: [0.25])
        return StudentModel(task: "apnea", classNames: ["normal", "apnea"], input: input(), body: .svm(svm))
    }

    /// A student's spec clamps to the range it trained on when that is tighter than its dataset's clip, and nothing else.
    @Test func clampedInputSpec() {
        var clipped = Self.input()
        clipped.normalization.clip = 8
        #expect(clipped.clamped(to: 0.999).normalization.clip == 0.999)
        #expect(clipped.clamped(to: 8.5) == clipped && clipped.clamped(to: 0) == clipped && clipped.clamped(to: .infinity) == clipped)
        let open = Self.input()
        #expect(open.normalization.clip == 0 && open.clamped(to: 3).normalization.clip == 3)
        var expected = open
        expected.normalization.clip = 3
        #expect(open.clamped(to: 3) == expected)
    }

    @Test(arguments: [mlp(), svm()])
    func roundTrip(model: StudentModel) throws {
        let path = Fixtures.temporaryPath("model.stimm")
        try ModelFile.write(model, to: path)
        #expect(try ModelFile.read(path: path) == model)
        #expect(try StimFileKind.of(path: path) == .model)
    }

    @Test func parameterCounts() {
        #expect(Self.mlp().parameterCount == 16 * 120 + 16 + 3 + 32 + 2)
        #expect(Self.svm().parameterCount == 360 + 3 + 1)
        #expect(Tensor(int8: [-1, 2], shape: [2], scale: [1]).integers == [-1, 2])
        #expect(Tensor(int16: [-300, 2], shape: [2]).integers == [-300, 2])
        #expect(Tensor(float32: [1.5, -2], shape: [2]).floats == [1.5, -2])
    }

    @Test func tensorOfTheWrongSizeIsRefused() {
        var model = Self.mlp()
        guard case .net(var net) = model.body else { return }
        net.layers[1] = Layer(name: "bad", kind: .dense(Dense(weight: Tensor(float32: [1, 2, 3], shape: [2, 2]))))
        model.body = .net(net)
        #expect { try ModelFile.write(model, to: Fixtures.temporaryPath("bad.stimm")) } throws: {
            ($0 as? FormatError)?.problem.contains("bad.weight holds 12 bytes") == true
        }
    }

    @Test func damagedModelFiles() throws {
        let path = Fixtures.temporaryPath("m.stimm")
        try ModelFile.write(Self.mlp(), to: path)
        let bytes = try Fixtures.bytes(path)
        for n in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: FormatError.self) { try ModelFile.read(bytes: Array(bytes[0..<n])) }
        }
        for i in stride(from: 0, to: bytes.count, by: 5) where i != 10 && i != 11 {
            var damaged = bytes
            damaged[i] ^= 0x04
            #expect(throws: FormatError.self, "flip at \(i)") { try ModelFile.read(bytes: damaged) }
        }
        let dataset = try Fixtures.writeDataset(Fixtures.header(), count: 2)
        #expect { try ModelFile.read(path: dataset) } throws: { ($0 as? FormatError)?.kind == .badMagic }
    }
}
