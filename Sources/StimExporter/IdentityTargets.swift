/// Target distributions over persons for the anonymization step, one row per class, from the training windows.
public enum IdentityTargets {
    /// Every class gets p(person): each person's share of all windows.
    public static func marginal(_ windows: LabelledWindows) -> [[Float]] {
        let shares = distribution(windows.persons, over: windows.personNames.count)
        return Array(repeating: shares, count: windows.classes)
    }

    /// Class k gets p(person | k): each person's share of the windows of class k (the marginal for a class with
    /// no windows).
    public static func classConditional(_ windows: LabelledWindows) -> [[Float]] {
        let all = distribution(windows.persons, over: windows.personNames.count)
        return (0..<windows.classes).map { k in
            let persons = windows.labels.indices.filter { windows.labels[$0] == k }.map { windows.persons[$0] }
            return persons.isEmpty ? all : distribution(persons, over: windows.personNames.count)
        }
    }

    public static func targets(_ target: AnonymizationOptions.Target, _ windows: LabelledWindows) -> [[Float]] {
        target == .marginal ? marginal(windows) : classConditional(windows)
    }

    static func distribution(_ values: [Int], over count: Int) -> [Float] {
        var counts = [Float](repeating: 0, count: count)
        for v in values { counts[v] += 1 }
        let total = max(1, Float(values.count))
        return counts.map { $0 / total }
    }
}
