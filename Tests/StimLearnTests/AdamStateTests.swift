import StimKernels
import Testing
@testable import StimLearn

/// A saved Adam state taken up by a fresh optimizer makes the same updates as the original going on.
@Suite struct AdamStateTests {
    static func parameters(seed: UInt64) -> [Parameter] {
        var random = Xoshiro256StarStar(seed: seed)
        return [[3, 4], [5]].map { shape in
            let p = Parameter(name: "w", shape: shape, decays: shape.count > 1)
            for i in 0..<p.count { p.value[i] = Float(random.nextNormal()) }
            return p
        }
    }

    /// Gradients of ½‖w − 1‖² plus a fixed ripple, so steps differ.
    static func step(_ adam: Adam, _ round: Int) {
        for p in adam.parameters {
            for i in 0..<p.count { p.gradient[i] = p.value[i] - 1 + 0.1 * Float((i + round) % 3) }
        }
        adam.step()
    }

    @Test func restoredStateContinuesIdentically() throws {
        let original = Adam(parameters: Self.parameters(seed: 1), learningRate: 0.05, weightDecay: 0.01)
        for round in 0..<5 { Self.step(original, round) }
        let saved = original.state
        let copy = Adam(parameters: Self.parameters(seed: 2), learningRate: 0.05, weightDecay: 0.01)
        for (to, from) in zip(copy.parameters, original.parameters) { to.value.copy(from: from.value.readOnly) }
        try copy.restore(saved)
        #expect(copy.state == saved)
        for round in 5..<9 {
            Self.step(original, round)
            Self.step(copy, round)
        }
        #expect(copy.parameters.map(\.value.array) == original.parameters.map(\.value.array))
        // Without the state (a fresh optimizer) the same gradients move the weights differently.
        let fresh = Adam(parameters: Self.parameters(seed: 2), learningRate: 0.05, weightDecay: 0.01)
        for (to, from) in zip(fresh.parameters, copy.parameters) { to.value.copy(from: from.value.readOnly) }
        Self.step(fresh, 9)
        Self.step(copy, 9)
        #expect(fresh.parameters.map(\.value.array) != copy.parameters.map(\.value.array))
        copy.reset()
        #expect(copy.state.steps == 0 && copy.state.firstMoment.allSatisfy { $0.allSatisfy { $0 == 0 } })
        #expect(throws: LearnError.self) { try Adam(parameters: Self.parameters(seed: 3).dropLast().map { $0 }).restore(saved) }
    }
}
