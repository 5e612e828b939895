import StimFormats
import StimKernels

/// A student ready to classify: a float32 network, an int8 network on the integer path, or an SVM, behind one
/// face, so that every caller (classification, the night daemon, evaluation) scores windows the same way.
public final class Student {
    public let inputShape: [Int]
    public let classes: Int
    private let engine: Engine

    private enum Engine {
        case float(Sequential)
        case int8(QuantizedNetwork)
        case svm(SvmClassifier)
    }

    public convenience init(model: StudentModel) throws {
        try self.init(body: model.body, inputShape: [model.input.channels.count, model.input.samplesPerWindow],
                      classes: model.classNames.count)
    }

    public init(body: StudentModel.Body, inputShape: [Int], classes: Int) throws {
        self.inputShape = inputShape
        self.classes = classes
        switch body {
        case .net(let net) where net.inputQuantization == nil:
            engine = .float(try Sequential(neuralNet: net, inputShape: inputShape))
        case .net(let net):
            engine = .int8(try QuantizedNetwork(neuralNet: net, inputShape: inputShape))
        case .svm(let svm):
            engine = .svm(try SvmClassifier(svm: svm, classes: classes))
        }
    }

    /// "float32 network", "int8 network", or "SVM".
    public var engineName: String {
        switch engine {
        case .float: return "float32 network"
        case .int8: return "int8 network"
        case .svm: return "SVM"
        }
    }

    /// Class probabilities, `classes` per example: a network's softmax; an SVM's Platt-scaled probabilities, or
    /// for an SVM trained without them, 1 for the predicted class and 0 for the others.
    public func probabilities(_ inputs: [Float]) throws -> [Float] {
        let size = inputShape.reduce(1, *)
        guard size > 0, inputs.count % size == 0 else {
            throw LearnError.shape("\(inputs.count) values are not whole examples of \(inputShape)")
        }
        try LearnError.requireFinite(inputs, rowSize: size)
        switch engine {
        case .float(let network):
            return softmaxRows(network.predict(inputs), classes: classes)
        case .int8(let network):
            return softmaxRows(try network.predict(inputs), classes: classes)
        case .svm(let classifier) where classifier.hasProbabilities:
            return try classifier.probabilities(inputs)
        case .svm(let classifier):
            var result = [Float](repeating: 0, count: inputs.count / size * classes)
            for (e, label) in try classifier.predict(inputs).enumerated() { result[e * classes + label] = 1 }
            return result
        }
    }

    /// The most probable class of each example.
    public func predict(_ inputs: [Float]) throws -> [Int] {
        argmaxRows(try probabilities(inputs), classes: classes)
    }

    /// Share of examples whose most probable label (of their targets) is predicted.
    public func accuracy(on data: TrainingData) throws -> Double {
        ConfusionMatrix(truth: data.labels, predicted: try predict(data.inputs), classes: classes).accuracy
    }
}

/// Row-wise softmax of logits (the kernel subtracts each row's maximum first).
func softmaxRows(_ logits: [Float], classes: Int) -> [Float] {
    var result = logits
    logits.withUnsafeBufferPointer { x in
        result.withUnsafeMutableBufferPointer { out in
            Softmax.softmax(x, into: out, rows: logits.count / classes, columns: classes)
        }
    }
    return result
}
