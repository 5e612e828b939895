import StimLearn

/// Everything `StimulusSynthesizer.restore` needs besides the stimuli: the attempts so far, the generator's weights
/// and the optimizer's state at the last attempt boundary.
public struct SynthesisCheckpoint: Sendable, Equatable {
    public var log: SynthesisLog
    public var generator: [[Float]]
    public var optimizer: Adam.State

    public init(log: SynthesisLog, generator: [[Float]], optimizer: Adam.State) {
        self.log = log
        self.generator = generator
        self.optimizer = optimizer
    }
}
