import StimKernels

/// Softmax cross-entropy between a batch of logits and target distributions, and its gradient.
///
/// One function covers the three uses: hard labels (one-hot targets), distillation (the teacher's
/// probabilities as targets) and anonymization (every row's target is a fixed distribution, e.g. the
/// population marginal of identities). With class weights w, example i counts ωᵢ = Σₖ tᵢₖ·wₖ and the
/// loss is Σᵢ ωᵢ·CEᵢ / Σᵢ ωᵢ (PyTorch's weighted mean for hard labels).
public enum Loss {
    /// Mean loss over the batch; writes ∂loss/∂logits into `gradient` when one is given.
    public static func crossEntropy(
        logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>, classes: Int,
        classWeights: [Float]? = nil, gradient: UnsafeMutableBufferPointer<Float>? = nil
    ) -> Float {
        precondition(classes > 0 && logits.count % classes == 0 && targets.count == logits.count,
                     "cross-entropy needs logits and targets of batch × classes")
        precondition(classWeights == nil || classWeights?.count == classes, "one class weight per class")
        precondition(gradient == nil || gradient?.count == logits.count, "gradient must match the logits")
        let rows = logits.count / classes
        var totalWeight: Float = 0, total: Float = 0
        for r in 0..<rows {
            let base = r * classes
            let (top, logNormalizer) = logSumExp(logits, base, classes)
            var entropy: Float = 0, mass: Float = 0, weight: Float = 0
            for k in 0..<classes {
                let t = targets[base + k]
                entropy -= t * (logits[base + k] - top - logNormalizer)
                mass += t
                weight += t * (classWeights?[k] ?? 1)
            }
            if classWeights == nil { weight = 1 }
            total += weight * entropy
            totalWeight += weight
            // Stash the row's weight and softmax mass in the gradient until the total weight is known.
            if let gradient {
                for k in 0..<classes {
                    let p = FloatMath.exp(logits[base + k] - top - logNormalizer)
                    gradient[base + k] = weight * (mass * p - targets[base + k])
                }
            }
        }
        guard totalWeight > 0 else { return 0 }
        if let gradient { Elementwise.Optimized.scale(1 / totalWeight, gradient) }
        return total / totalWeight
    }

    /// Hard labels: `labels[i]` is the class of example i.
    public static func crossEntropy(
        logits: UnsafeBufferPointer<Float>, labels: [Int], classes: Int, classWeights: [Float]? = nil,
        gradient: UnsafeMutableBufferPointer<Float>? = nil
    ) -> Float {
        precondition(labels.allSatisfy { (0..<classes).contains($0) }, "labels must be class indices")
        var targets = [Float](repeating: 0, count: logits.count)
        for (row, label) in labels.enumerated() { targets[row * classes + label] = 1 }
        return targets.withUnsafeBufferPointer {
            crossEntropy(logits: logits, targets: $0, classes: classes, classWeights: classWeights, gradient: gradient)
        }
    }

    /// Every row against the same target distribution (anonymization: drive an identity network's
    /// posterior toward the population marginal).
    public static func crossEntropy(
        logits: UnsafeBufferPointer<Float>, towards distribution: [Float], gradient: UnsafeMutableBufferPointer<Float>? = nil
    ) -> Float {
        let classes = distribution.count
        precondition(classes > 0 && logits.count % classes == 0, "logits must be rows of the distribution's size")
        let targets = (0..<(logits.count / classes)).flatMap { _ in distribution }
        return targets.withUnsafeBufferPointer {
            crossEntropy(logits: logits, targets: $0, classes: classes, gradient: gradient)
        }
    }

    /// (max, ln Σ e^(x − max)) of one row: the stable log-normalizer.
    @inline(__always)
    static func logSumExp(_ x: UnsafeBufferPointer<Float>, _ base: Int, _ count: Int) -> (Float, Float) {
        var top = x[base]
        for k in 1..<count where x[base + k] > top { top = x[base + k] }
        var sum: Float = 0
        for k in 0..<count { sum += FloatMath.exp(x[base + k] - top) }
        return (top, FloatMath.log(sum))
    }
}
