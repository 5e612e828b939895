import StimLearn
import Testing
@testable import StimExporter

@Suite struct LabelledWindowsTests {
    @Test func checksShapesIdsAndValues() throws {
        #expect(throws: LearnError.self) {
            try LabelledWindows(exampleShape: [2, 3], classNames: ["N", "A"], inputs: [Float](repeating: 0, count: 12),
                                labels: [0, 1], persons: [0], personNames: ["a"])
        }
        #expect(throws: LearnError.self) {
            try LabelledWindows(exampleShape: [1, 2], classNames: ["N", "A"], inputs: [0, 0, 0, 0], labels: [0, 1],
                                persons: [0, 2], personNames: ["a", "b"])
        }
        #expect(throws: LearnError.self) {
            try LabelledWindows(exampleShape: [1, 2], classNames: ["N", "A"], inputs: [0, .nan, 0, 0], labels: [0, 1],
                                persons: [0, 1], personNames: ["a", "b"])
        }
    }

    @Test func subsetsByPersonKeepWindowsWhole() throws {
        let windows = try LabelledWindows(exampleShape: [1, 2], classNames: ["N", "A"], inputs: [1, 2, 3, 4, 5, 6],
                                          labels: [0, 1, 1], persons: [0, 1, 0], personNames: ["a", "b"])
        let first = windows.of(persons: [0])
        #expect(first.inputs == [1, 2, 5, 6] && first.labels == [0, 1] && first.persons == [0, 0])
        let identity = try windows.personData()
        #expect(identity.classes == 2 && identity.labels == [0, 1, 0])
    }
}
