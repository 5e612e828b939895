import Foundation
import StimExporter
import StimFormats
import StimKernels
import StimLearn

/// Small labelled windows whose class and person a CNN learns in seconds: class 1 (apnea) breathes at a fifth of
/// class 0's amplitude on both belts; each person's abdominal belt sits at its own offset. Persons differ in their
/// share of apnea minutes, as real nights do.
enum ToyWindows {
    static let apneaShare: [Double] = [0.8, 0.6, 0.3, 0.1]

    static func make(perPerson: Int = 60, seed: UInt64 = 1) throws -> LabelledWindows {
        var random = Xoshiro256StarStar(seed: seed)
        var inputs: [Float] = [], labels: [Int] = [], persons: [Int] = []
        for (person, share) in apneaShare.enumerated() {
            for _ in 0..<perPerson {
                let label = random.nextDouble() < share ? 1 : 0
                let amplitude: Float = label == 1 ? 0.2 : 1
                let phase = Float(random.nextDouble() * 6.28)
                for channel in 0..<2 {
                    for t in 0..<60 {
                        let breath = amplitude * sin(Float(t) * 2 * .pi / 4 + phase)
                        let offset: Float = channel == 1 ? Float(person) * 0.5 - 0.75 : 0
                        inputs.append(breath + offset + 0.05 * Float(random.nextNormal()))
                    }
                }
                labels.append(label)
                persons.append(person)
            }
        }
        return try LabelledWindows(exampleShape: [2, 60], classNames: ["normal", "apnea"], inputs: inputs, labels: labels,
                                   persons: persons, personNames: (0..<apneaShare.count).map { "p\($0)" })
    }

    /// The teacher and the identity network trained once on `make()`.
    static let networks: (teacher: NeuralNet, identity: NeuralNet) = {
        do {
            let windows = try make()
            var options = StudentTrainingOptions()
            options.epochs = 12
            let trainer = StudentTrainer(options: options)
            guard case .net(let teacher) = try trainer.train(.cnn, on: try windows.classData()).body,
                  case .net(let identity) = try trainer.train(.cnn, on: try windows.personData()).body else {
                fatalError("a CNN student is a network")
            }
            return (teacher, identity)
        } catch {
            fatalError("toy networks: \(error)")
        }
    }()

    static func teacher() throws -> Sequential { try Sequential(neuralNet: networks.teacher, inputShape: [2, 60]) }
    static func identity() throws -> Sequential { try Sequential(neuralNet: networks.identity, inputShape: [2, 60]) }

    static func synthesizer(_ settings: SynthesisSettings, targets: [[Float]]? = nil) throws -> StimulusSynthesizer {
        try StimulusSynthesizer(teacher: try teacher(), generatorLayers: try GeneratorArchitecture.specs(outputShape: [2, 60]),
                                identity: try identity(),
                                identityTargets: targets ?? IdentityTargets.classConditional(try make()), settings: settings)
    }

    /// The identity network's posterior of each stimulus.
    static func posteriors(_ stimuli: StimulusSet) throws -> [[Float]] {
        let network = try identity()
        let persons = network.outputCount
        let logits = network.predict(stimuli.inputs)
        return (0..<stimuli.count).map { i in
            let row = Array(logits[(i * persons)..<((i + 1) * persons)])
            let top = row.max() ?? 0
            let e = row.map { FloatMath.exp($0 - top) }
            let sum = e.reduce(0, +)
            return e.map { $0 / sum }
        }
    }
}
