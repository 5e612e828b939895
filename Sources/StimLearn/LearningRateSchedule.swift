/// The learning rate for each epoch, from the optimizer's base rate.
public enum LearningRateSchedule: Equatable, Sendable {
    case constant
    /// Multiplied by `factor` every `every` epochs.
    case step(every: Int, factor: Float)
    /// Multiplied by `factor` each epoch.
    case exponential(factor: Float)
    /// Half a cosine from the base rate at the first epoch down to `floor` × base at the last.
    case cosine(floor: Float)

    /// Rate for `epoch` (0-based) of `epochs`.
    public func rate(base: Float, epoch: Int, epochs: Int) -> Float {
        switch self {
        case .constant:
            return base
        case .step(let every, let factor):
            return base * power(factor, epoch / max(every, 1))
        case .exponential(let factor):
            return base * power(factor, epoch)
        case .cosine(let floor):
            guard epochs > 1 else { return base }
            let progress = Float(epoch) / Float(epochs - 1)
            let c = cosine(Float.pi * progress)
            return base * (floor + (1 - floor) * (1 + c) / 2)
        }
    }

    private func power(_ x: Float, _ n: Int) -> Float {
        var result: Float = 1
        for _ in 0..<max(n, 0) { result *= x }
        return result
    }

    /// cos x for x in [0, π] as sin(π/2 − x) by its Taylor series (StimLearn links no libm).
    private func cosine(_ x: Float) -> Float {
        let t = Float.pi / 2 - x
        let t2 = t * t
        // sin t to t¹³: error below 10⁻¹⁰ for |t| ≤ π/2.
        var s: Float = 1.0 / 6_227_020_800
        s = s * -t2 + 1.0 / 39_916_800
        s = s * -t2 + 1.0 / 362_880
        s = s * -t2 + 1.0 / 5040
        s = s * -t2 + 1.0 / 120
        s = s * -t2 + 1.0 / 6
        s = s * -t2 + 1
        return t * s
    }
}
