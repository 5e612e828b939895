import StimExporter
import StimLearn

/// The MNIST teacher as the tests and the full run train it: `MnistArchitecture.teacher`, Adam (1e-3, cosine-annealed
/// to 5%) at batch 64 through StimLearn's Trainer, seed 7; scored through `Student`, as every model is.
enum MnistTeacher {
    static func train(on digits: LabelledWindows, epochs: Int, threads: Int) throws -> Sequential {
        let network = try Sequential(inputShape: MnistArchitecture.inputShape, layers: MnistArchitecture.teacher, seed: 7)
        var options = TrainingOptions()
        options.epochs = epochs
        options.optimizer = .adam(learningRate: 1e-3)
        options.schedule = .cosine(floor: 0.05)
        options.seed = 7
        options.threads = threads
        _ = try Trainer(options: options).train(network, on: try digits.classData())
        return network
    }

    static func accuracy(_ network: Sequential, on digits: LabelledWindows) throws -> Double {
        try Student(body: .net(network.neuralNet()), inputShape: MnistArchitecture.inputShape,
                    classes: MnistArchitecture.classes).accuracy(on: try digits.classData())
    }
}
