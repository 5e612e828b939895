import Foundation
import StimLearn
import StimTestSupport
import Testing
@testable import StimExporter

/// The report alone on the real belts, as the exporter runs it, with 7,500 VAE samples standing in for the
/// stimuli (no synthesis: `stim export` measures real stimuli). Several minutes, so it runs only with STIM_REPORT_MEASURE=1; it writes
/// belts.report.json and belts.report.html to $STIM_REPORT_OUT (default: the temporary folder) and prints the
/// figures and timings.
@Suite(.enabled(if: SharedData.directory != nil && ProcessInfo.processInfo.environment["STIM_REPORT_MEASURE"] == "1",
                "set STIM_REPORT_MEASURE=1 (and have ../shared/data) to measure the report on the real belts"))
struct ExportReportBeltMeasurement {
    @Test func measureOnRealBelts() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let (trainingRecords, heldOut) = BeltWindows.split(try BeltWindows.load())
        let (training, unseen) = try MembershipSlice(fraction: ExportSettings().membershipSliceFraction).cut(trainingRecords)
        let teacherTrained = try StudentTrainer(options: UtilityEvaluation.defaultOptions).train(.cnn, on: try training.classData())
        let teacher = try Student(body: teacherTrained.body, inputShape: [2, 60], classes: 2)
        let teacherSeconds = (clock.now - start) / .seconds(1)
        var evaluation = ExportEvaluation()
        evaluation.vaeSamples = 7_500
        let report = try evaluation.run(dataset: "apnea-ecg resp-1hz", training: training, unseen: unseen, heldOut: heldOut,
                                        teacher: teacher, stimulusSets: []) { progress in
            switch progress {
            case .stage(let name): print("stage: \(name)")
            case .utility(.training(let kind, let source)): print("  \(kind.rawValue) on \(source)")
            case .utility(.student): break
            }
        }
        let total = (clock.now - start) / .seconds(1)
        let folder = URL(fileURLWithPath: ProcessInfo.processInfo.environment["STIM_REPORT_OUT"] ?? NSTemporaryDirectory())
        try report.json().write(to: folder.appendingPathComponent("belts.report.json"))
        try Data(report.html().utf8).write(to: folder.appendingPathComponent("belts.report.html"))
        print("windows: training \(training.count), membership slice \(unseen.count), held out \(heldOut.count); teacher \(teacherSeconds) s; total \(total) s")
        print("teacher: \(report.utility.teacher)")
        for row in report.utility.students {
            print("\(row.kind) on \(row.trainedOn): accuracy \(row.scores.accuracy) kappa \(row.scores.kappa) "
                  + "sens \(row.scores.sensitivity ?? .nan) spec \(row.scores.specificity ?? .nan) "
                  + "MIA AUC \(row.membership.auc) (\(row.trainingSeconds) s)")
        }
        let r = report.privacy.reidentification
        print("re-identification: chance \(r.chance); held-out slice \(r.heldOutSlice); sets \(r.stimulusSets)")
        print("closest record: \(report.privacy.closestRecord)")
        print("stage seconds: \(report.seconds)")
        #expect(report.utility.students.count == 8)
        #expect(total < 600)
    }
}
