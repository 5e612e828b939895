/// Everything `ExportPipeline` does, from the record split to the stimuli. One seed (`synthesis.seed`) fixes the
/// split, the teacher, the identity network and every stimulus.
public struct ExportSettings: Sendable, Equatable {
    /// Records held out of all training (nil: a quarter of them, at least one from 4 records), drawn by the seed.
    public var holdout: Int?
    /// Records held out by name, instead of `holdout`.
    public var holdoutRecords: [String]?
    /// Share of each training record held back from all training as the membership-inference slice
    /// (`MembershipSlice`: blocks of 10 consecutive windows spread over the night), for the report's membership attack.
    /// 0 holds none back, and the report then refuses to run. Nothing is held back when no record is held out: with no
    /// held-out records there is no report.
    public var membershipSliceFraction = 0.15
    /// All of them run (the held-out records never stop the teacher). Fewer make a less confident teacher that
    /// generators reach less often: on simulated belts 15 epochs accepted 9% of attempts against 18% for 30, and 5
    /// none. On the real belts 10–20 epochs taught the MLP and RBF SVM students better in some runs (README).
    public var teacherEpochs = 30
    public var identityEpochs = 30
    public var synthesis = SynthesisSettings()
    /// Threads the teacher's and identity network's batches are spread over (synthesis runs at batch 1 on one).
    public var threads = 1
    /// How often the synthesis checkpoint is replaced (the journal keeps every stimulus at once).
    public var checkpointInterval: Duration = .seconds(1)

    public init() {}

    public var seed: UInt64 {
        get { synthesis.seed }
        set { synthesis.seed = newValue }
    }

    func validate() throws(ExportError) {
        guard teacherEpochs >= 1, identityEpochs >= 1 else {
            throw .parameter("teacher and identity epochs must be at least 1, not \(teacherEpochs) and \(identityEpochs)")
        }
        guard threads >= 1 else { throw .parameter("threads must be at least 1, not \(threads)") }
        if let holdout, holdout < 0 { throw .parameter("the hold-out must be 0 or more records, not \(holdout)") }
        _ = try membershipSlice()
    }

    /// The slice `membershipSliceFraction` asks for (nil for 0).
    func membershipSlice() throws(ExportError) -> MembershipSlice? {
        membershipSliceFraction == 0 ? nil : try MembershipSlice(fraction: membershipSliceFraction)
    }
}
