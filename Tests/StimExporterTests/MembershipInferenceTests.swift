import StimKernels
import StimLearn
import Testing
@testable import StimExporter

@Suite struct MembershipInferenceTests {
    /// Random windows with random labels: nothing to learn but the examples themselves. `persons` records of
    /// consecutive windows.
    static func randomWindows(_ count: Int, seed: UInt64, persons: Int = 1) throws -> LabelledWindows {
        var generator = Xoshiro256StarStar(seed: seed)
        return try LabelledWindows(exampleShape: [2, 10], classNames: ["normal", "apnea"],
                                   inputs: (0..<(count * 20)).map { _ in Float(generator.nextNormal()) },
                                   labels: (0..<count).map { _ in generator.nextInt(in: 0..<2) },
                                   persons: (0..<count).map { $0 * persons / count },
                                   personNames: (0..<persons).map { "p\($0)" })
    }

    static func mlp(on windows: LabelledWindows, epochs: Int) throws -> Student {
        var options = StudentTrainingOptions()
        options.epochs = epochs
        options.patience = nil
        options.learningRate = 3e-3
        let trained = try StudentTrainer(options: options).train(.mlp, on: try windows.classData())
        return try Student(body: trained.body, inputShape: [2, 10], classes: 2)
    }

    @Test func overfitStudentGivesMembersAway() throws {
        let members = try Self.randomWindows(40, seed: 1), nonMembers = try Self.randomWindows(300, seed: 2)
        let student = try Self.mlp(on: members, epochs: 300)
        let result = try MembershipInference.attack(student, members: members, nonMembers: nonMembers)
        #expect(result.auc > 0.85)
        #expect(result.memberConfidence > result.nonMemberConfidence + 0.3)
    }

    @Test func studentThatNeverSawTheMembersGivesNothingAway() throws {
        let seen = try Self.randomWindows(200, seed: 3)
        let members = try Self.randomWindows(300, seed: 4), nonMembers = try Self.randomWindows(300, seed: 5)
        let student = try Self.mlp(on: seen, epochs: 100)
        let result = try MembershipInference.attack(student, members: members, nonMembers: nonMembers)
        // The AUC's standard deviation under the null is about 0.024 here.
        #expect(abs(result.auc - 0.5) < 0.08)
    }

    /// The report's design: members and non-members from the same records, the non-members a slice nothing
    /// trained on. A student that memorized its training windows gives them away; one trained on other windows
    /// of the same kind does not.
    @Test func sameRecordSliceSeparatesMemorizationFromNone() throws {
        let windows = try Self.randomWindows(400, seed: 7, persons: 4)
        let (trained, unseen) = try MembershipSlice(fraction: 0.15).cut(windows)
        let (members, nonMembers) = try MembershipInference.sets(training: trained, unseen: unseen)
        // Records of 100 windows: 2 of their 10 blocks each (round 1.5) are the slice.
        #expect(members.count == 320 && nonMembers.count == 80 && Set(nonMembers.persons) == [0, 1, 2, 3])

        let memorizer = try Self.mlp(on: trained, epochs: 300)
        let memorized = try MembershipInference.attack(memorizer, members: members, nonMembers: nonMembers)
        #expect(memorized.auc > 0.8, "\(memorized)")

        let other = try Self.mlp(on: try Self.randomWindows(320, seed: 8, persons: 4), epochs: 300)
        let disjoint = try MembershipInference.attack(other, members: members, nonMembers: nonMembers)
        print("membership AUC, memorizing student \(memorized.auc), student of other windows \(disjoint.auc)")
        // Under the null the AUC's standard deviation is about 0.036 for 320 against 80.
        #expect(abs(disjoint.auc - 0.5) < 0.11, "\(disjoint)")
    }

    /// Members come only from the records the slice comes from, so no other person's windows enter the attack.
    @Test func membersAreTheSliceRecordsTrainedWindows() throws {
        let windows = try Self.randomWindows(90, seed: 9, persons: 3)
        // Records of 30 windows each: 3 blocks, none held at 15% (round 0.45), so slice only the first two by hand.
        let unseen = windows.subset(Array(0..<10) + Array(40..<50))
        let trained = windows.subset(Array(10..<40) + Array(50..<90))
        let (members, nonMembers) = try MembershipInference.sets(training: trained, unseen: unseen)
        #expect(Set(members.persons) == [0, 1] && members.count == 40 && nonMembers.count == 20)

        #expect(throws: LearnError.self) { try MembershipInference.sets(training: trained, unseen: trained.subset([])) }
        let elsewhere = try Self.randomWindows(20, seed: 10, persons: 2)
        #expect(throws: LearnError.self) { try MembershipInference.sets(training: trained, unseen: elsewhere) }
        // A slice of a record that has no trained windows left.
        #expect(throws: LearnError.self) {
            try MembershipInference.sets(training: windows.subset(Array(0..<30)), unseen: windows.subset(Array(30..<40)))
        }
    }

    @Test func mismatchedClassesThrow() throws {
        let windows = try Self.randomWindows(10, seed: 6)
        let three = try Student(body: try StudentTrainer(options: { var o = StudentTrainingOptions(); o.epochs = 1; return o }())
                                    .train(.mlp, on: TrainingData(exampleShape: [2, 10], classes: 3, inputs: windows.inputs,
                                                                  labels: windows.labels)).body,
                                inputShape: [2, 10], classes: 3)
        #expect(throws: LearnError.self) { try MembershipInference.attack(three, members: windows, nonMembers: windows) }
    }
}
