import StimKernels
import StimLearn
import Testing
@testable import StimExporter

@Suite struct ClosestRecordDistanceTests {
    static func noise(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var generator = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in Float(generator.nextNormal()) * scale }
    }

    @Test func nearestMatchesBruteForce() throws {
        let size = 120
        let references = Self.noise(700 * size, seed: 1), queries = Self.noise(1_100 * size, seed: 2)
        var distance = try ClosestRecordDistance(references: references, exampleSize: size)
        distance.blockRows = 256
        let (indices, distances) = try distance.nearest(queries)
        for q in stride(from: 0, to: 1_100, by: 37) {
            var best = (index: 0, value: Double.infinity)
            for r in 0..<700 {
                var sum = 0.0
                for i in 0..<size {
                    let d = Double(queries[q * size + i]) - Double(references[r * size + i])
                    sum += d * d
                }
                if sum < best.value { best = (r, sum) }
            }
            #expect(indices[q] == best.index)
            #expect(abs(distances[q] - best.value.squareRoot()) < 1e-9)
        }
    }

    @Test func copiesGiveRatioNearZeroAndFarStimuliAboveOne() throws {
        let size = 120
        let training = Self.noise(500 * size, seed: 3), heldOut = Self.noise(200 * size, seed: 4)
        let distance = try ClosestRecordDistance(references: training, exampleSize: size)
        let heldOutDistances = try distance.nearest(heldOut).distances
        // Copies of training windows with a little noise.
        let copies = zip(training.prefix(300 * size), Self.noise(300 * size, seed: 5, scale: 0.01)).map { $0 + $1 }
        let copied = try ClosestRecordSummary(stimulusDistances: try distance.nearest(copies).distances,
                                              heldOutDistances: heldOutDistances)
        #expect(copied.ratio < 0.02)
        #expect(copied.shareBelowHeldOutFifthPercentile == 1)
        // Windows of three times the spread lie farther from every training window than real ones do.
        let far = try ClosestRecordSummary(stimulusDistances: try distance.nearest(Self.noise(300 * size, seed: 6, scale: 3)).distances,
                                           heldOutDistances: heldOutDistances)
        #expect(far.ratio > 1.5)
        #expect(far.shareBelowHeldOutFifthPercentile == 0)
    }

    @Test func badInputThrows() throws {
        #expect(throws: LearnError.self) { try ClosestRecordDistance(references: [1, 2, 3], exampleSize: 2) }
        let distance = try ClosestRecordDistance(references: [1, 2], exampleSize: 2)
        #expect(throws: LearnError.self) { try distance.nearest([1, .nan]) }
        #expect(throws: LearnError.self) { try distance.nearest([1]) }
        #expect(throws: LearnError.self) { try ClosestRecordSummary(stimulusDistances: [1], heldOutDistances: [0, 0]) }
    }
}
