import Foundation
import StimFormats
import Testing
@testable import StimLearn

@Suite struct TmpProfile {
    @Test func profileBelt() throws {
        let (examples, _) = try SvmReferenceTests.belt()
        let gamma = SvmKernel.scaleGamma(features: examples.values, featureCount: 120)
        let trainer = SmoTrainer(kernel: SvmKernel(kind: .rbf, gamma: gamma))
        let problem = BinarySvmProblem(features: 120, values: examples.values, y: examples.labels.map { $0 == 0 ? 1 : -1 },
                                       upperBounds: Array(repeating: 1, count: examples.count))
        for _ in 0..<5 {
            let start = Date()
            let s = try trainer.solve(problem)
            print("TMP solve \(Date().timeIntervalSince(start)) s, iterations \(s.iterations), evictions \(s.cacheEvictions)")
        }
        let start = Date()
        _ = try SvmTrainer(options: SvmOptions(kernel: SvmKernel(kind: .rbf, gamma: gamma), c: 1)).train(examples)
        print("TMP train \(Date().timeIntervalSince(start))")
    }
}
