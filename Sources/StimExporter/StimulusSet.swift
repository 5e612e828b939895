import StimLearn

/// Synthesized stimuli with the teacher's soft labels: what a `.stim` dataset ships and students train on.
public struct StimulusSet: Sendable {
    public let exampleShape: [Int]
    public let classes: Int
    /// Stimulus after stimulus, `exampleShape` values each.
    public var inputs: [Float]
    /// The teacher's softmax of each stimulus, `classes` values each.
    public var softLabels: [Float]
    /// The class the generator aimed at for each stimulus.
    public var targetClasses: [Int]

    public var count: Int { targetClasses.count }
    public var exampleSize: Int { exampleShape.reduce(1, *) }

    public init(exampleShape: [Int], classes: Int, inputs: [Float] = [], softLabels: [Float] = [], targetClasses: [Int] = []) {
        self.exampleShape = exampleShape
        self.classes = classes
        self.inputs = inputs
        self.softLabels = softLabels
        self.targetClasses = targetClasses
    }

    /// The stimuli as training examples with soft targets, for students.
    public func trainingData() throws -> TrainingData {
        try TrainingData(exampleShape: exampleShape, classes: classes, inputs: inputs, targets: softLabels)
    }
}
