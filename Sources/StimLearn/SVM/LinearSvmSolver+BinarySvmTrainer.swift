/// The linear solver as the multi-class layer's binary trainer: each machine a weight vector and a bias,
/// trained by dual coordinate descent instead of SMO over a linear kernel.
extension LinearSvmSolver: BinarySvmTrainer {
    public func train(_ problem: BinarySvmProblem) throws -> BinaryMachine {
        let machine = try problem.values.withUnsafeBufferPointer {
            try train(features: $0, count: problem.count, dimension: problem.features,
                      labels: problem.y.map { $0 > 0 ? 1 : -1 }, costs: problem.upperBounds.map { Float($0) }, bias: true)
        }
        return .linear(weight: machine.weights, bias: machine.bias)
    }
}
