import StimLearn

/// Real windows of the data owner's recordings: samples, hard labels and the person (record) each came from.
/// The person ids never leave the exporter; they train the identity network and keep evaluations record-wise.
public struct LabelledWindows: Sendable {
    /// [channels, samples] of one window.
    public let exampleShape: [Int]
    public let classNames: [String]
    /// Window after window, `exampleSize` values each.
    public let inputs: [Float]
    public let labels: [Int]
    /// Index into `personNames` of each window's person.
    public let persons: [Int]
    public let personNames: [String]

    public var exampleSize: Int { exampleShape.reduce(1, *) }
    public var count: Int { labels.count }
    public var classes: Int { classNames.count }

    public init(exampleShape: [Int], classNames: [String], inputs: [Float], labels: [Int], persons: [Int],
                personNames: [String]) throws {
        let size = exampleShape.reduce(1, *)
        guard size > 0, inputs.count == labels.count * size, persons.count == labels.count else {
            throw LearnError.shape("\(labels.count) labels and \(persons.count) person ids for \(inputs.count) values "
                                   + "of windows of \(exampleShape)")
        }
        guard labels.allSatisfy({ (0..<classNames.count).contains($0) }) else {
            throw LearnError.data("a label lies outside the \(classNames.count) classes")
        }
        guard persons.allSatisfy({ (0..<personNames.count).contains($0) }) else {
            throw LearnError.data("a person id lies outside the \(personNames.count) persons")
        }
        try LearnError.requireFinite(inputs, rowSize: size, row: "window")
        self.exampleShape = exampleShape
        self.classNames = classNames
        self.inputs = inputs
        self.labels = labels
        self.persons = persons
        self.personNames = personNames
    }

    /// The windows at `indices`, in that order, with the same persons and classes.
    public func subset(_ indices: [Int]) -> LabelledWindows {
        var values: [Float] = []
        values.reserveCapacity(indices.count * exampleSize)
        for i in indices { values += inputs[(i * exampleSize)..<((i + 1) * exampleSize)] }
        // Checked values stay valid in any subset.
        return try! LabelledWindows(exampleShape: exampleShape, classNames: classNames, inputs: values,
                                    labels: indices.map { labels[$0] }, persons: indices.map { persons[$0] },
                                    personNames: personNames)
    }

    /// The same windows with every value clamped to [−bound, bound].
    public func clamped(to bound: Float) -> LabelledWindows {
        guard inputs.contains(where: { abs($0) > bound }) else { return self }
        // Clamped finite values stay valid.
        return try! LabelledWindows(exampleShape: exampleShape, classNames: classNames,
                                    inputs: inputs.map { min(max($0, -bound), bound) }, labels: labels, persons: persons,
                                    personNames: personNames)
    }

    /// The windows of the given persons.
    public func of(persons chosen: Set<Int>) -> LabelledWindows {
        subset(persons.indices.filter { chosen.contains(persons[$0]) })
    }

    /// The same windows with only the persons that have windows, renumbered in order (for an identity network that
    /// knows the training records and no others).
    public func withPresentPersons() -> LabelledWindows {
        let present = Set(persons).sorted()
        var index = [Int](repeating: 0, count: personNames.count)
        for (new, old) in present.enumerated() { index[old] = new }
        // Checked values stay valid with the persons renumbered.
        return try! LabelledWindows(exampleShape: exampleShape, classNames: classNames, inputs: inputs, labels: labels,
                                    persons: persons.map { index[$0] }, personNames: present.map { personNames[$0] })
    }

    /// Class labels as one-hot targets, for training the teacher and students on real windows.
    public func classData() throws -> TrainingData {
        try TrainingData(exampleShape: exampleShape, classes: classes, inputs: inputs, labels: labels)
    }

    /// Person ids as the labels, for the identity network and the re-identification attack.
    public func personData() throws -> TrainingData {
        try TrainingData(exampleShape: exampleShape, classes: personNames.count, inputs: inputs, labels: persons)
    }
}
