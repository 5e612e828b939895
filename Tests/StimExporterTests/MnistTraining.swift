import StimExporter
import StimLearn

/// How the MNIST tests and the full run train and score: the teacher (`MnistArchitecture.teacher`) on digits with
/// hard labels, the student (`MnistArchitecture.student`) on stimuli with the teacher's soft labels, both by Adam
/// (1e-3, cosine-annealed to 5%) at batch 64 through StimLearn's Trainer; scored through `Student`, as every model is.
enum MnistTraining {
    static func teacher(on digits: LabelledWindows, epochs: Int, threads: Int) throws -> Sequential {
        try train(MnistArchitecture.teacher, on: digits.classData(), epochs: epochs, threads: threads, seed: 7)
    }

    /// The student on stimuli (`StimulusSet.trainingData()`, soft labels) or, for comparison, on real digits.
    static func student(on data: TrainingData, epochs: Int, threads: Int) throws -> Sequential {
        try train(MnistArchitecture.student, on: data, epochs: epochs, threads: threads, seed: 11)
    }

    /// The synthesizer on `teacher` with the MNIST generator: `count` stimuli, the defaults otherwise.
    static func stimuli(from teacher: Sequential, count: Int, seed: UInt64) throws -> StimulusSynthesizer {
        var settings = SynthesisSettings()
        settings.count = count
        settings.seed = seed
        let synthesizer = try StimulusSynthesizer(teacher: teacher, generatorLayers: MnistArchitecture.generator,
                                                  settings: settings)
        try synthesizer.run()
        return synthesizer
    }

    static func accuracy(_ network: Sequential, on digits: LabelledWindows) throws -> Double {
        try Student(body: .net(network.neuralNet()), inputShape: MnistArchitecture.inputShape,
                    classes: MnistArchitecture.classes).accuracy(on: try digits.classData())
    }

    private static func train(_ layers: [LayerSpec], on data: TrainingData, epochs: Int, threads: Int,
                              seed: UInt64) throws -> Sequential {
        let network = try Sequential(inputShape: MnistArchitecture.inputShape, layers: layers, seed: seed)
        var options = TrainingOptions()
        options.epochs = epochs
        options.optimizer = .adam(learningRate: 1e-3)
        options.schedule = .cosine(floor: 0.05)
        options.seed = seed
        options.threads = threads
        _ = try Trainer(options: options).train(network, on: data)
        return network
    }
}
