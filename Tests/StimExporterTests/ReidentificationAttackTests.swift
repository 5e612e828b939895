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
        // The class-only oracle knows each class's likeliest person among these very windows: never below chance.
        #expect(result.classOnlyTop1 >= attack.chance && slice.classOnlyTop1 >= attack.chance)
    }

    /// The class-only attacker is the best constant guess per class on the evaluated items, by hand: class 0's items
    /// belong to persons 2, 2, 1 (guess 2: 2 right), class 1's to 0, 1, 1, 3 (guess 1: 2 right), so 4 of 7.
    @Test func classOnlyOracleIsTheBestConstantGuessPerClass() throws {
        let classes = [0, 0, 0, 1, 1, 1, 1], persons = [2, 2, 1, 0, 1, 1, 3]
        #expect(ReidentificationAttack.classOnlyOracle(classes: classes, persons: persons) == 4.0 / 7)
        #expect(ReidentificationAttack.classOnlyOracle(classes: [0, 1, 0, 1], persons: [0, 1, 2, 3]) == 0.5)
        #expect(ReidentificationAttack.classOnlyOracle(classes: [], persons: []) == 0)

        // Through an attacker: on stimuli its class-only share is fitted to the stimuli's own closest persons, not
        // to the training windows (where person 0 has the most apnea windows and person 3 the most normal ones).
        var options = UtilityEvaluation.defaultOptions
        options.epochs = 2
        let attack = try ReidentificationAttack(training: try ToyWindows.make(perPerson: 30), options: options)
        let stimuli = StimulusSet(exampleShape: [2, 60], classes: 2, inputs: [Float](repeating: 0.1, count: 7 * 120),
                                  softLabels: classes.flatMap { $0 == 0 ? [Float(1), 0] : [0, 1] }, targetClasses: classes)
        #expect(try attack.evaluate(stimuli, closestPersons: persons).classOnlyTop1 == 4.0 / 7)
        // All alike windows: the attacker names one person for all of them, right for 3 of 7 at most.
        #expect(try attack.evaluate(stimuli, closestPersons: persons).top1 <= 3.0 / 7)
        var outside = stimuli
        outside.targetClasses[0] = 2
        #expect(throws: LearnError.self) { try attack.evaluate(outside, closestPersons: persons) }
        #expect(throws: LearnError.self) { try attack.evaluate(stimuli, closestPersons: [0]) }
    }

    @Test func badInputThrows() throws {
        let one = try LabelledWindows(exampleShape: [1, 2], classNames: ["N", "A"], inputs: [Float](repeating: 0, count: 20),
                                      labels: [Int](repeating: 0, count: 10), persons: [Int](repeating: 0, count: 10),
                                      personNames: ["a"])
        #expect(throws: LearnError.self) { try ReidentificationAttack(training: one) }
        #expect(throws: LearnError.self) { try ReidentificationAttack(training: one, heldOutFraction: 1) }
    }
}
