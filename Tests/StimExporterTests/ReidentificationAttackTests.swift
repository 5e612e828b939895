import StimKernels
import StimLearn
import StimTestSupport
import Testing
@testable import StimExporter

@Suite struct ReidentificationAttackTests {
    /// On real belts the attacker names the person of windows it never saw (the last 20% of each night) well
    /// above chance and above the class-only attacker; stimuli that are pure noise are not re-identified better
    /// than the class-only attacker does.
    @Test(.enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
    func realHeldOutWindowsAreReidentified() throws {
        let (training, _) = BeltWindows.split(try BeltWindows.load())
        var options = UtilityEvaluation.defaultOptions
        options.epochs = 20
        let attack = try ReidentificationAttack(training: training, options: options)
        let slice = attack.heldOutSlice
        print("re-identification, real held-out slice: top-1 \(slice.top1), class-only \(slice.classOnlyTop1), "
              + "chance \(attack.chance), \(slice.count) windows")
        #expect(attack.persons == 6)
        #expect(slice.top1 > attack.chance + 0.25)
        #expect(slice.top1 > slice.classOnlyTop1 + 0.15)

        var generator = Xoshiro256StarStar(seed: 1)
        let count = 600
        let noise = StimulusSet(exampleShape: [2, 60], classes: 2,
                                inputs: (0..<(count * 120)).map { _ in Float(generator.nextNormal()) },
                                softLabels: (0..<count).flatMap { $0 % 2 == 0 ? [Float(1), 0] : [0, 1] },
                                targetClasses: (0..<count).map { $0 % 2 })
        let nearest = try ClosestRecordDistance(references: training.inputs, exampleSize: 120).nearest(noise.inputs).indices
        let result = try attack.evaluate(noise, closestPersons: nearest.map { training.persons[$0] })
        print("re-identification, noise stimuli: top-1 \(result.top1), class-only \(result.classOnlyTop1)")
        #expect(result.top1 < slice.top1)
    }

    @Test func badInputThrows() throws {
        let one = try LabelledWindows(exampleShape: [1, 2], classNames: ["N", "A"], inputs: [Float](repeating: 0, count: 20),
                                      labels: [Int](repeating: 0, count: 10), persons: [Int](repeating: 0, count: 10),
                                      personNames: ["a"])
        #expect(throws: LearnError.self) { try ReidentificationAttack(training: one) }
        #expect(throws: LearnError.self) { try ReidentificationAttack(training: one, heldOutFraction: 1) }
    }
}
