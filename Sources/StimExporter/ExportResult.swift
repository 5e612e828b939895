import StimFormats
import StimLearn

/// What an export made, for writing the dataset and for the report: the split, both networks, the stimuli and how
/// their synthesis went.
public struct ExportResult: Sendable {
    public var settings: ExportSettings
    public var input: InputSpec
    public var split: RecordSplit
    /// The training records' windows that trained the teacher, the identity network and (through them) the generator.
    public var training: LabelledWindows
    /// The training records' membership slice, which nothing trained on (same persons as `training`; empty when no
    /// record is held out or the slice is set to 0).
    public var unseen: LabelledWindows
    public var heldOut: LabelledWindows
    public var teacher: TrainedStudent
    /// The teacher as written beside the dataset (it stays with the data owner), and the SHA-256 of that file.
    public var teacherModel: StudentModel
    public var teacherPath: String
    public var teacherDigest: [UInt8]
    /// The identity network over the training records (`identityTargets` rows are distributions over them).
    public var identity: TrainedStudent
    public var identityPersons: [String]
    public var identityTargets: [[Float]]
    public var generatorLayers: [LayerSpec]
    public var stimuli: StimulusSet
    public var log: SynthesisLog
    /// Time split of this run's synthesis (not of a resumed part).
    public var timing: SynthesisTiming
    /// Stimuli taken from the journal of an earlier, interrupted run.
    public var resumedStimuli: Int
    /// False when the run was cancelled before all stimuli were made (the journal keeps them).
    public var completed: Bool
}
