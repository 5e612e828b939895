import StimSignals

/// Signals equal in name, unit, rate and samples, where NaN equals NaN (Signal's `==` follows IEEE: NaN ≠ NaN).
func same(_ a: [Signal], _ b: [Signal]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { x, y in
        x.name == y.name && x.unit == y.unit && x.samplingRate == y.samplingRate && x.samples.count == y.samples.count
            && zip(x.samples, y.samples).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
}
