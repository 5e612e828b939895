import Testing
import StimKernels

/// Shared by the float kernel tests: seeded random data and tolerance checks.
enum FloatTests {
    /// `count` uniform values in [-1, 1) from a seeded generator, so a failure replays exactly.
    static func random(_ count: Int, seed: UInt64) -> [Float] {
        var g = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in 2 * g.nextFloat() - 1 }
    }

    /// Expects |actual − expected| ≤ tolerance elementwise, reporting the first few offenders.
    static func expectClose(
        _ actual: [Float], _ expected: [Double], tolerance: [Double], _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(actual.count == expected.count, "\(what): count", sourceLocation: sourceLocation)
        var failures = 0
        for i in 0..<min(actual.count, expected.count) {
            let error = abs(Double(actual[i]) - expected[i])
            if !(error <= tolerance[i]) {
                failures += 1
                if failures <= 3 {
                    Issue.record("\(what)[\(i)]: \(actual[i]) vs \(expected[i]) (tolerance \(tolerance[i]))",
                                 sourceLocation: sourceLocation)
                }
            }
        }
        #expect(failures == 0, "\(what): \(failures) elements out of tolerance", sourceLocation: sourceLocation)
    }

    static func expectClose(
        _ actual: [Float], _ expected: [Float], tolerance: Double, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        expectClose(actual, expected.map(Double.init), tolerance: Array(repeating: tolerance, count: expected.count),
                    what, sourceLocation: sourceLocation)
    }
}
