import Testing
@testable import StimSignals

@Suite struct BeltSimulatorTests {
    @Test func nightHasSignalsAndLabels() throws {
        let person = SimulatedPerson.draw(seed: 1, index: 3)
        let night = try BeltSimulator.night(for: person, minutes: 480, samplingRate: 100)
        #expect(night.recording.name == "sim03")
        #expect(night.labels.count == 480)
        #expect(night.recording.signals.map(\.samples.count) == [2_880_000, 2_880_000, 2_880_000])
    }
}
