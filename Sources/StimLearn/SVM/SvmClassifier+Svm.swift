import StimFormats

extension SvmClassifier {
    /// The model-file form: every number stored as the float32 it is here, so the round trip is exact.
    public var svm: Svm {
        var stored = Svm(kernel: kernel, multiclass: multiclass, featureOffset: scaling.offset, featureScale: scaling.scale,
                         bias: bias, probA: probabilityA, probB: probabilityB)
        switch machines {
        case let .kernel(supportVectors, coefficients, supportPerClass):
            let count = supportPerClass.reduce(0, +)
            stored.supportVectors = Tensor(float32: supportVectors, shape: [count, features])
            stored.dualCoef = Tensor(float32: coefficients, shape: [coefficientRows, count])
            stored.supportPerClass = supportPerClass
        case .linear(let weight):
            stored.weight = Tensor(float32: weight, shape: [machineCount, features])
        }
        return stored
    }

    /// A model file's SVM for `classes` classes, checked: float32 tensors of consistent shapes.
    public init(svm: Svm, classes: Int) throws {
        func floats(_ tensor: Tensor, _ name: String) throws -> [Float] {
            guard let values = tensor.floats, values.count == tensor.elementCount else {
                throw LearnError.unsupported("the SVM's \(name) is \(tensor.dtype), not float32 (run it on the integer path)")
            }
            return values
        }
        let machines: Machines, features: Int
        switch (svm.weight, svm.supportVectors, svm.dualCoef) {
        case let (weight?, nil, nil):
            guard weight.shape.count == 2 else { throw LearnError.shape("SVM weight of shape \(weight.shape)") }
            features = weight.shape[1]
            machines = .linear(weight: try floats(weight, "weight"))
        case let (nil, vectors?, coefficients?):
            guard vectors.shape.count == 2, coefficients.shape.count == 2, coefficients.shape[1] == vectors.shape[0] else {
                throw LearnError.shape("support vectors of shape \(vectors.shape) with dual coefficients of shape \(coefficients.shape)")
            }
            features = vectors.shape[1]
            machines = .kernel(supportVectors: try floats(vectors, "support vectors"),
                               coefficients: try floats(coefficients, "dual coefficients"),
                               supportPerClass: svm.supportPerClass)
        default:
            throw LearnError.unsupported("an SVM holds either a weight matrix or support vectors with dual coefficients")
        }
        try self.init(kernel: svm.kernel, multiclass: svm.multiclass, classes: classes, features: features,
                      scaling: FeatureScaling(offset: svm.featureOffset, scale: svm.featureScale), machines: machines,
                      bias: svm.bias, probabilityA: svm.probA, probabilityB: svm.probB)
        // A one-vs-one kernel model stores classes − 1 coefficient rows; one-vs-rest one per machine.
        if case .kernel = machines, let rows = svm.dualCoef?.shape[0], rows != coefficientRows {
            throw LearnError.shape("\(rows) dual-coefficient rows where \(coefficientRows) are needed")
        }
    }
}
