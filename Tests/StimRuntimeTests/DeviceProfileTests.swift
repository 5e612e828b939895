import Foundation
import Testing
import StimLearn
import StimTestSupport
@testable import StimRuntime

@Suite struct DeviceProfileTests {
    static let folder = SharedData.repositoryRoot.appendingPathComponent("devices/profiles")

    @Test func everyShippedProfileParses() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files == ["pi-3.json", "pi-4.json", "pi-5.json", "pi-zero-2w.json", "pi-zero.json"])
        for file in files {
            let profile = try DeviceProfile(path: Self.folder.appendingPathComponent(file).path)
            #expect(profile.name + ".json" == file)
            #expect(profile.trainingMemoryMB < profile.ramMB)
        }
        let zero = try DeviceProfile.find("pi-zero", in: [Self.folder])
        #expect(zero.architecture == "armv6" && zero.cores == 1 && zero.ramMB == 512 && zero.arithmetic == .int8)
        let zero2 = try DeviceProfile.find("pi-zero-2w", in: [Self.folder])
        #expect(zero2.cores == 4 && zero2.ramMB == 512 && zero2.trainingMemoryMB == 64 && zero2.trainingSeconds == 120)
        #expect(try DeviceProfile.find("pi-5", in: [Self.folder]).arithmetic == .float)
    }

    @Test func badProfilesAreClearErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("profiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = try String(contentsOf: Self.folder.appendingPathComponent("pi-zero-2w.json"), encoding: .utf8)
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: "\"int8\"", with: "\"int4\""), "'arithmetic' has a bad value"),
            (good.replacingOccurrences(of: "\"cores\": 4,", with: ""), "'cores' is missing"),
            (good.replacingOccurrences(of: "\"cores\": 4", with: "\"cores\": \"four\""), "'cores' has the wrong type"),
            (good.replacingOccurrences(of: "\"training_memory_mb\": 64", with: "\"training_memory_mb\": 1024"),
             "training_memory_mb must be 16 MB to the RAM (512 MB), not 1024"),
            (good.replacingOccurrences(of: "aarch64", with: "mips"), "architecture 'mips'"),
            (good.replacingOccurrences(of: "\"training_seconds\": 120", with: "\"training_seconds\": 0"), "training_seconds must be a positive"),
            ("{ not json", "not JSON"),
        ]
        for (index, (text, message)) in cases.enumerated() {
            let path = folder.appendingPathComponent("bad\(index).json").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let error = try #require(throws: DeviceProfileError.self) { try DeviceProfile(path: path) }
            #expect(error.description.contains(message) && error.description.contains(path), "\(error)")
        }
        let unknown = try #require(throws: DeviceProfileError.self) { try DeviceProfile.find("pi-6", in: [Self.folder]) }
        #expect(unknown.description.contains("no device profile 'pi-6'") && unknown.description.contains("known: pi-3, pi-4, pi-5, pi-zero, pi-zero-2w"))
        let missing = try #require(throws: DeviceProfileError.self) { try DeviceProfile(path: folder.appendingPathComponent("none.json").path) }
        #expect(missing.description.contains("cannot be read"))
    }

    static let belt = TrainingMemory.Shape(examples: 7_500, exampleShape: [2, 60], classes: 2, validationFraction: 0.1)

    @Test func piZero2WFitsEveryStudentOn7500Stimuli() throws {
        let profile = try DeviceProfile.find("pi-zero-2w", in: [Self.folder])
        for kind in StudentKind.allCases {
            // A 1,000 support-vector budget asked for: its re-solve needs 1000 × 6750 × 16 bytes, more than is left.
            var request = TrainingPlan.Request()
            request.supportVectorBudget = 1000
            let plan = try TrainingPlan(profile: profile, kind: kind, shape: Self.belt, request: request, availableCores: 16,
                                        baselineBytes: 12 << 20)
            #expect(plan.estimatedPeakBytes <= 64 << 20 * 9 / 10)
            #expect(plan.threads == 4)
            #expect(plan.int8 == !kind.isSvm)
            if kind == .svmRbf {
                // The 64 MB default cache does not fit beside the examples and the re-solve either.
                #expect(plan.cacheBytes < 64 << 20 && plan.cacheBytes > 8 << 20)
                let budget = try #require(plan.supportVectorBudget)
                #expect(budget < 1000 && budget >= TrainingPlan.smallestSupportVectorBudget)
                #expect(plan.notes.count == 2)
                // Without a budget the cache takes what is left.
                let unbudgeted = try TrainingPlan(profile: profile, kind: kind, shape: Self.belt, request: .init(),
                                                  availableCores: 16, baselineBytes: 12 << 20)
                #expect(unbudgeted.supportVectorBudget == nil && unbudgeted.cacheBytes > plan.cacheBytes)
                #expect(unbudgeted.estimatedPeakBytes <= 64 << 20)
            }
        }
    }

    @Test func refusesWhatCannotFitAndSaysWhatWould() throws {
        let profile = try DeviceProfile.find("pi-zero-2w", in: [Self.folder])
        var huge = Self.belt
        huge.examples = 200_000
        let error = try #require(throws: TrainingPlanError.self) {
            try TrainingPlan(profile: profile, kind: .cnn, shape: huge, request: .init(), availableCores: 4, baselineBytes: 12 << 20)
        }
        let message = error.description
        #expect(message.contains("refused before training: training cnn on 200000 examples needs about"))
        #expect(message.contains("over pi-zero-2w's 64 MB training budget"))
        let named = message.split(separator: "at most about ").last?.split(separator: " ").first.map(String.init) ?? ""
        let fitting = try #require(Int(named), "\(message)")
        // The number it names fits, and one more does not.
        var shape = huge
        shape.examples = fitting
        #expect((try? TrainingPlan(profile: profile, kind: .cnn, shape: shape, request: .init(), availableCores: 4,
                                   baselineBytes: 12 << 20)) != nil)
        shape.examples = fitting + 1
        #expect((try? TrainingPlan(profile: profile, kind: .cnn, shape: shape, request: .init(), availableCores: 4,
                                   baselineBytes: 12 << 20)) == nil)
        var zeroBatch = TrainingPlan.Request()
        zeroBatch.batchSize = 0
        #expect(throws: TrainingPlanError.self) {
            try TrainingPlan(profile: profile, kind: .mlp, shape: Self.belt, request: zeroBatch, availableCores: 4, baselineBytes: 0)
        }
        // A larger device takes it.
        let pi4 = try DeviceProfile.find("pi-4", in: [Self.folder])
        let plan = try TrainingPlan(profile: pi4, kind: .cnn, shape: huge, request: .init(), availableCores: 4, baselineBytes: 12 << 20)
        #expect(plan.batchSize == 64 && !plan.int8)
    }
}
