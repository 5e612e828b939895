import StimKernels
import StimLearn
import Testing
@testable import StimExporter

@Suite struct MembershipInferenceTests {
    /// Random windows with random labels: nothing to learn but the examples themselves.
    static func randomWindows(_ count: Int, seed: UInt64) throws -> LabelledWindows {
        var generator = Xoshiro256StarStar(seed: seed)
        return try LabelledWindows(exampleShape: [2, 10], classNames: ["normal", "apnea"],
                                   inputs: (0..<(count * 20)).map { _ in Float(generator.nextNormal()) },
                                   labels: (0..<count).map { _ in generator.nextInt(in: 0..<2) },
                                   persons: [Int](repeating: 0, count: count), personNames: ["p"])
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

    @Test func mismatchedClassesThrow() throws {
        let windows = try Self.randomWindows(10, seed: 6)
        let three = try Student(body: try StudentTrainer(options: { var o = StudentTrainingOptions(); o.epochs = 1; return o }())
                                    .train(.mlp, on: TrainingData(exampleShape: [2, 10], classes: 3, inputs: windows.inputs,
                                                                  labels: windows.labels)).body,
                                inputShape: [2, 10], classes: 3)
        #expect(throws: LearnError.self) { try MembershipInference.attack(three, members: windows, nonMembers: windows) }
    }
}
