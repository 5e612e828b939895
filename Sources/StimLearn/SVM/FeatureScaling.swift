/// Per-feature affine map a model applies before anything else: x' = (x − offset) × scale. Stored in the
/// model, so a device scales live windows exactly as the training data was scaled.
public struct FeatureScaling: Sendable, Equatable {
    public var offset: [Float]
    public var scale: [Float]

    /// No scaling (the model file stores empty arrays).
    public static let identity = FeatureScaling(offset: [], scale: [])

    public init(offset: [Float], scale: [Float]) {
        self.offset = offset
        self.scale = scale
    }

    public var isIdentity: Bool { offset.isEmpty && scale.isEmpty }

    /// Standardization fitted on training data: offset = mean, scale = 1 / standard deviation (1 for a
    /// feature that is constant, which then becomes 0 everywhere).
    public static func standardization(values: [Float], features: Int) throws -> FeatureScaling {
        guard features > 0, !values.isEmpty, values.count % features == 0 else {
            throw LearnError.data("\(values.count) values do not make whole examples of \(features) features")
        }
        let count = values.count / features
        var mean = [Double](repeating: 0, count: features), squares = [Double](repeating: 0, count: features)
        for i in 0..<count {
            for k in 0..<features {
                let v = Double(values[i * features + k])
                mean[k] += v
                squares[k] += v * v
            }
        }
        var offset = [Float](), scale = [Float]()
        for k in 0..<features {
            let m = mean[k] / Double(count)
            let deviation = max(squares[k] / Double(count) - m * m, 0).squareRoot()
            offset.append(Float(m))
            scale.append(deviation > 0 ? Float(1 / deviation) : 1)
        }
        return FeatureScaling(offset: offset, scale: scale)
    }

    /// Checks that the scaling fits `features` features and holds finite numbers.
    func validate(features: Int) throws {
        guard !isIdentity else { return }
        guard offset.count == features, scale.count == features else {
            throw LearnError.shape("feature scaling has \(offset.count) offsets and \(scale.count) scales for \(features) features")
        }
        guard offset.allSatisfy(\.isFinite), scale.allSatisfy(\.isFinite) else {
            throw LearnError.data("feature scaling holds a non-finite value")
        }
    }

    /// The scaled copy of `values` (examples of `offset.count` features).
    func apply(_ values: [Float]) -> [Float] {
        guard !isIdentity else { return values }
        let features = offset.count
        var result = values
        for i in 0..<result.count {
            let k = i % features
            result[i] = (result[i] - offset[k]) * scale[k]
        }
        return result
    }
}
