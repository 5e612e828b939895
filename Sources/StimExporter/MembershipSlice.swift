import StimLearn

/// The membership-inference slice: windows of the training records that nothing trains on (not the teacher, the
/// identity network, the generator, the real-window students, the VAE nor the re-identification attacker), so that a
/// membership attack compares windows a model saw with unseen windows *of the same persons*. Comparing with other
/// persons' records instead measures how the persons differ as much as what a model remembers.
///
/// Each record's windows, in recording order, are cut into blocks of `blockWindows` consecutive windows (10 minutes
/// when no minute was skipped); of a record's n whole blocks, round(n × fraction) go to the slice, spread evenly: block
/// b when round((b + 1) × fraction) steps above round(b × fraction). Whole blocks keep a held-back minute's
/// neighbours, which look much like it, out of training too. The cut is deterministic; a record of fewer than
/// 2 whole blocks gives none, and at 15% a record needs 4 blocks (40 windows) to give one.
public struct MembershipSlice: Sendable, Equatable {
    /// Consecutive windows of one record that go to the slice together.
    public static let blockWindows = 10

    /// Share of each record's blocks held back, in (0, 0.5].
    public let fraction: Double

    public init(fraction: Double) throws(ExportError) {
        guard fraction > 0, fraction <= 0.5 else {
            throw .parameter("the membership slice must be a fraction in (0, 0.5] of each training record, not \(fraction)")
        }
        self.fraction = fraction
    }

    /// `windows` split into the windows models may train on and the held-back slice, both in the original order
    /// and with the same persons. The slice is empty when every record is too short to give a block.
    public func cut(_ windows: LabelledWindows) -> (trained: LabelledWindows, unseen: LabelledWindows) {
        var held = [Bool](repeating: false, count: windows.count)
        for person in Set(windows.persons) {
            let own = windows.persons.indices.filter { windows.persons[$0] == person }
            let blocks = own.count / Self.blockWindows
            guard blocks >= 2 else { continue }
            for block in 0..<blocks where steps(at: block) {
                for i in own[(block * Self.blockWindows)..<((block + 1) * Self.blockWindows)] { held[i] = true }
            }
        }
        return (windows.subset(held.indices.filter { !held[$0] }), windows.subset(held.indices.filter { held[$0] }))
    }

    /// Whether block `b` is one of the held-back blocks: the count round(blocks so far × fraction) steps up at it.
    private func steps(at block: Int) -> Bool {
        (Double(block + 1) * fraction).rounded() > (Double(block) * fraction).rounded()
    }
}
