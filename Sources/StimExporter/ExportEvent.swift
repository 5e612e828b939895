import StimLearn

/// What `ExportPipeline.run` reports as it goes.
public enum ExportEvent: Sendable {
    case teacher(StudentTrainingProgress)
    case identity(StudentTrainingProgress)
    /// A journal of an earlier run of the same settings was taken up.
    case resumed(stimuli: Int, attempts: Int)
    case synthesis(SynthesisProgress)
}
