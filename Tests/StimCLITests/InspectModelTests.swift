import Foundation
import StimFormats
import StimKernels
import StimLearn
import Testing

/// `stim inspect` on student models: exact parameter count and the inference memory the engine uses.
@Suite struct InspectModelTests {
    static let teacher: [LayerSpec] = [
        .conv1d(filters: 16, kernel: 7, padding: 3), .relu, .maxPool1d(kernel: 2, stride: 2),
        .conv1d(filters: 32, kernel: 5, padding: 2), .relu, .maxPool1d(kernel: 2, stride: 2),
        .conv1d(filters: 32, kernel: 3, padding: 1), .relu, .globalAveragePool, .dense(units: 2),
    ]

    @Test func floatAndInt8Models() throws {
        let folder = try StimBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let network = try Sequential(inputShape: [2, 60], layers: Self.teacher, seed: 1)
        var generator = Xoshiro256StarStar(seed: 2)
        let calibration = (0..<(64 * 120)).map { _ in Float(generator.nextNormal()) }
        let input = InputSpec(channels: [Channel(name: "Resp C", unit: "", samplingRate: 1),
                                         Channel(name: "Resp A", unit: "", samplingRate: 1)], samplesPerWindow: 60)
        let quantizedNet = try Quantizer.quantize(network, calibration: calibration)
        for (name, net) in [("float", try network.neuralNet()), ("int8", quantizedNet)] {
            let path = "\(folder)/\(name).stimm"
            try ModelFile.write(StudentModel(task: "apnea", classNames: ["normal", "apnea"], input: input, body: .net(net)),
                                to: path)
            let info = try StimBinary.json(["inspect", path])
            // 2·16·7 + 16 + 16·32·5 + 32 + 32·32·3 + 32 + 32·2 + 2
            #expect(info["parameters"] as? Int == 6002)
            #expect(network.parameterCount == 6002)
            let bytes = try #require(info["inferenceBytes"] as? Int)
            if name == "int8" {
                #expect(bytes == (try QuantizedNetwork(neuralNet: quantizedNet, inputShape: [2, 60])).arenaBytes)
                #expect(bytes == 3840)
                let text = try StimBinary.run(["inspect", path])
                #expect(text.stdout.contains("inference memory") && text.stdout.contains("3840 bytes"))
            } else {
                #expect(bytes == 4 * network.workingSetCount(batch: 1))
            }
        }
    }
}
