import Foundation
import StimFormats
import StimKernels
import StimLearn
import StimTestSupport
import Testing
@testable import StimExporter

/// The whole evaluation on small constructed data, and what it writes: JSON keys, HTML structure, summary.
@Suite struct ExportReportTests {
    /// Four persons (each their own frequency) × 60 windows of [2, 20]; apnea windows have half the amplitude.
    static func windows(persons names: [String], seed: UInt64) throws -> LabelledWindows {
        var generator = Xoshiro256StarStar(seed: seed)
        var inputs: [Float] = [], labels: [Int] = [], persons: [Int] = []
        for person in names.indices {
            for w in 0..<60 {
                let apnea = (w / 10 + person) % 2
                let amplitude: Float = apnea == 1 ? 0.5 : 1.5
                let phase = Float(generator.nextDouble() * 6.28)
                for c in 0..<2 {
                    for t in 0..<20 {
                        inputs.append(amplitude * sin(Float(t) * (0.3 + 0.15 * Float(person)) + phase + Float(c))
                                      + 0.1 * Float(generator.nextNormal()))
                    }
                }
                labels.append(apnea)
                persons.append(person)
            }
        }
        return try LabelledWindows(exampleShape: [2, 20], classNames: ["normal", "apnea"], inputs: inputs, labels: labels,
                                   persons: persons, personNames: names)
    }

    static func evaluate() throws -> (ExportReport, LabelledWindows) {
        // Six blocks of 10 windows per person: one of each goes to the membership slice.
        let (training, unseen) = try MembershipSlice(fraction: 0.15).cut(try windows(persons: ["p1", "p2", "p3", "p4"], seed: 1))
        let heldOut = try windows(persons: ["h1", "h2"], seed: 2)
        var fast = UtilityEvaluation.defaultOptions
        fast.epochs = 4
        let teacher = try Student(body: try StudentTrainer(options: fast).train(.mlp, on: try training.classData()).body,
                                  inputShape: [2, 20], classes: 2)
        // Stand-in stimuli: training windows with a little noise, labelled by the teacher.
        var generator = Xoshiro256StarStar(seed: 3)
        let noisy = training.inputs.map { $0 + 0.05 * Float(generator.nextNormal()) }
        let soft = try teacher.probabilities(noisy)
        let stimuli = StimulusSet(exampleShape: [2, 20], classes: 2, inputs: noisy, softLabels: soft,
                                  targetClasses: argmaxRows(soft, classes: 2))
        var evaluation = ExportEvaluation()
        evaluation.utility.options = fast
        evaluation.attackerOptions = fast
        evaluation.vae.epochs = 3
        evaluation.vaeSamples = 100
        let attempts = (0..<40).map { AcceptanceAttempt(targetClass: $0 % 2, threshold: 0.5 + Double($0) / 80, steps: 10 + $0,
                                                        accepted: $0 % 3 != 0) }
        var stages: [String] = []
        let report = try evaluation.run(dataset: "test <&> set", training: training, unseen: unseen, heldOut: heldOut,
                                        teacher: teacher, stimulusSets: [("noisy copies", stimuli)],
                                        acceptance: attempts) { progress in
            if case .stage(let name) = progress { stages.append(name) }
        }
        #expect(stages == ["vae_baseline", "students", "reidentification_attacker", "closest_records"])
        return (report, training)
    }

    @Test func evaluationFillsEveryPartOfTheReport() throws {
        let (report, _) = try Self.evaluate()
        #expect(report.stimulusSets.map(\.name) == ["noisy copies", "VAE baseline"])
        #expect(report.utility.students.count == 12)
        #expect(Set(report.utility.students.map(\.trainedOn)) == ["real windows", "noisy copies", "VAE baseline"])
        #expect(report.utility.students.allSatisfy { $0.perRecord.map(\.record) == ["h1", "h2"] })
        // Three seeds a student: the pooled accuracy is their mean, and the per-record accuracies pool the same way.
        for row in report.utility.students {
            #expect(row.seedAccuracies.count == 3 && row.seedKappas.count == 3 && row.scores.count == 120)
            #expect(abs(row.scores.accuracy - row.seedAccuracies.reduce(0, +) / 3) < 1e-12)
            let pooled = row.perRecord.map { Double($0.count) * $0.accuracy }.reduce(0, +) / 120
            #expect(abs(pooled - row.scores.accuracy) < 1e-12)
        }
        // Networks differ from seed to seed.
        let mlp = try #require(report.utility.students.first { $0.kind == "mlp" && $0.trainedOn == "real windows" })
        #expect(Set(mlp.seedKappas).count > 1 || Set(mlp.seedAccuracies).count > 1)
        #expect(report.heldOutRecords == ["h1", "h2"] && report.trainingRecords == ["p1", "p2", "p3", "p4"])
        #expect(report.privacy.reidentification.persons == 4 && report.privacy.reidentification.chance == 0.25)
        // Membership: the 200 trained windows of the four training persons against their 40 unseen ones.
        let membership = report.privacy.membership
        #expect(membership.records == ["p1", "p2", "p3", "p4"] && membership.members == 200 && membership.nonMembers == 40)
        #expect(membership.blockWindows == 10 && membership.description.contains("200") && membership.description.contains("40"))
        #expect(report.utility.students.allSatisfy { $0.membership.members == 200 && $0.membership.nonMembers == 40 })
        // Noisy copies of training windows sit nearer them than another person's windows do.
        let copies = try #require(report.privacy.closestRecord.first { $0.set == "noisy copies" })
        #expect(copies.summary.ratio < 1)
        #expect(report.examples.count == 6 && report.examples.allSatisfy { $0.channels == 2 })
        #expect(report.examples.filter { $0.source != "VAE baseline" }.allSatisfy { $0.windows.count == 3 })
        #expect(report.acceptance?.attempts == 40)

        let summary = report.summary
        let best = try #require(report.utility.students.filter { $0.trainedOn == "noisy copies" }
            .max { $0.scores.accuracy < $1.scores.accuracy })
        #expect(summary.teacherAccuracy == report.utility.teacher.accuracy)
        #expect(summary.studentAccuracy == best.scores.accuracy && summary.membershipAUC == best.membership.auc)
        #expect(summary.reidentificationChance == 0.25 && summary.closestRecordRatio == copies.summary.ratio)
        #expect(summary.evaluation == report.evaluation && !summary.metrics.isEmpty)

        // One re-identification check for the real slice, then per set one utility check per student kind, one
        // re-identification check and one membership check.
        let checks = report.targetChecks
        #expect(checks.count == 1 + 2 * (4 + 2))
        let copiesAttack = try #require(report.privacy.reidentification.stimulusSets.first { $0.set == "noisy copies" }).result
        #expect(checks[5].met == (copiesAttack.top1 <= copiesAttack.classOnlyTop1 + 0.02))
        for (i, kind) in ["cnn", "mlp", "svm-linear", "svm-rbf"].enumerated() {
            let real = try #require(report.utility.students.first { $0.kind == kind && $0.trainedOn == "real windows" })
            let copy = try #require(report.utility.students.first { $0.kind == kind && $0.trainedOn == "noisy copies" })
            #expect(checks[1 + i].target.hasPrefix("noisy copies: \(kind) at most 1.0 accuracy point"))
            #expect(checks[1 + i].met == (real.scores.accuracy - copy.scores.accuracy <= 0.01
                                          && real.scores.kappa - copy.scores.kappa <= 0.03))
        }
    }

    @Test(.enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
    func jsonAndHtmlAreWellFormed() throws {
        let (report, _) = try Self.evaluate()
        let json = try report.json()
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"held_out_records\"") && text.contains("\"class_only_top1\"") && !text.contains("heldOut"))
        #expect(text.contains("\"non_members\" : 40") && text.contains("\"block_windows\" : 10"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let decoded = try decoder.decode(ExportReport.self, from: json)
        #expect(decoded.utility == report.utility && decoded.privacy == report.privacy && decoded.examples == report.examples)
        let html = report.html()
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="))
        #expect(html.contains("test &lt;&amp;&gt; set"))
        #expect(html.contains("best constant guess per class") && html.contains("the 40 windows of the same records"))
        // Python's parser walks the page; every element opened is closed in order (void elements aside).
        let output = try PythonEnvironment.run(["-c", """
            import sys, json
            from html.parser import HTMLParser
            VOID = {"meta", "br", "line", "rect", "polyline", "hr", "img", "input", "link"}
            class Check(HTMLParser):
                def __init__(self):
                    super().__init__(); self.stack = []; self.ids = []; self.errors = []; self.svgs = 0
                def handle_starttag(self, tag, attrs):
                    self.ids += [v for k, v in attrs if k == "id"]
                    if tag == "svg": self.svgs += 1
                    if tag not in VOID: self.stack.append(tag)
                def handle_startendtag(self, tag, attrs):
                    self.ids += [v for k, v in attrs if k == "id"]
                def handle_endtag(self, tag):
                    if tag in VOID: return
                    if not self.stack or self.stack.pop() != tag: self.errors.append(tag)
            c = Check(); c.feed(sys.stdin.read()); c.close()
            print(json.dumps({"open": c.stack, "errors": c.errors, "ids": c.ids, "svgs": c.svgs}))
            """], input: Data(html.utf8))
        struct Parsed: Decodable { var open: [String], errors: [String], ids: [String], svgs: Int }
        let parsed = try JSONDecoder().decode(Parsed.self, from: Data(output.utf8))
        #expect(parsed.open.isEmpty && parsed.errors.isEmpty)
        #expect(Set(parsed.ids) == ["targets", "utility", "per-record", "privacy", "examples", "acceptance", "timings"])
        // Per-record bars for 2 records, one trace per example window, the acceptance histogram.
        #expect(parsed.svgs == 2 + report.examples.reduce(0) { $0 + $1.windows.count } + 1)
    }

    /// Each student meets held-out windows as `stim train` deploys it: clamped to the range of what it trained on
    /// where it clamps (`StudentTrainingOptions.clamps`), as they are otherwise. An RBF machine trained on stimuli
    /// within ±1 calls windows of ±20 by its bias alone (one class for all, accuracy 0.5), and clamped ones by the
    /// nearest stimuli (1.0).
    @Test func studentsSeeWindowsAsDeployed() throws {
        var generator = Xoshiro256StarStar(seed: 4)
        func windows(_ classes: [Int], level: Float, persons: [Int], names: [String]) throws -> LabelledWindows {
            let inputs = classes.flatMap { k in (0..<20).map { _ in (k == 1 ? level : -level) + 0.05 * Float(generator.nextNormal()) } }
            return try LabelledWindows(exampleShape: [2, 10], classNames: ["normal", "apnea"], inputs: inputs, labels: classes,
                                       persons: persons, personNames: names)
        }
        let blocks = (0..<8).flatMap { Array(repeating: $0 % 2, count: 10) }
        let (training, unseen) = try MembershipSlice(fraction: 0.15).cut(
            try windows(blocks, level: 20, persons: blocks.indices.map { $0 / 40 }, names: ["p1", "p2"]))
        let heldOut = try windows(Array(blocks.prefix(20)), level: 20, persons: Array(repeating: 0, count: 20), names: ["h1"])
        // Three times as many normal stimuli, so the machine's bias is not 0.
        let stimulusClasses = (0..<40).map { $0 % 4 == 0 ? 1 : 0 }
        let stimuli = try windows(stimulusClasses, level: 0.8, persons: Array(repeating: 0, count: 40), names: ["s"])
        let set = StimulusSet(exampleShape: [2, 10], classes: 2, inputs: stimuli.inputs,
                              softLabels: stimulusClasses.flatMap { $0 == 1 ? [Float(0), 1] : [1, 0] },
                              targetClasses: stimulusClasses)
        var evaluation = UtilityEvaluation()
        evaluation.kinds = [.svmRbf]
        evaluation.seeds = 1
        // By default an RBF machine is not clamped, so the report sees it fail as deployed; asked to clamp, it does not.
        for (clamp, accuracies) in [(nil, [1, 0.5]), (true, [1, 1])] as [(Bool?, [Double])] {
            evaluation.options.clampInputs = clamp
            let rows = try evaluation.evaluate(training: training, unseen: unseen, heldOut: heldOut,
                                               stimulusSets: [("stimuli", set)])
            #expect(rows.map(\.trainedOn) == ["real windows", "stimuli"])
            #expect(rows.map(\.scores.accuracy) == accuracies, "clamp \(String(describing: clamp))")
        }
        // Unclamped, the same machine gives every window one class.
        let machine = try StudentTrainer(options: evaluation.options).train(.svmRbf, on: try set.trainingData())
        let student = try Student(body: machine.body, inputShape: [2, 10], classes: 2)
        #expect(Set(try student.predict(heldOut.inputs)).count == 1)
        #expect(try student.predict(heldOut.clamped(to: set.trainingData().inputBound).inputs) == heldOut.labels)
    }

    @Test func mismatchedTeacherThrows() throws {
        let training = try Self.windows(persons: ["p1", "p2"], seed: 1)
        var options = StudentTrainingOptions()
        options.epochs = 1
        let other = try TrainingData(exampleShape: [2, 10], classes: 2, inputs: [Float](repeating: 0, count: 40), labels: [0, 1])
        let teacher = try Student(body: try StudentTrainer(options: options).train(.mlp, on: other).body, inputShape: [2, 10], classes: 2)
        #expect(throws: LearnError.self) {
            try ExportEvaluation().run(dataset: "x", training: training, unseen: training, heldOut: training, teacher: teacher,
                                       stimulusSets: [])
        }
    }

    @Test func inconsistentInputsThrow() throws {
        let training = try Self.windows(persons: ["p1", "p2"], seed: 1)
        var options = StudentTrainingOptions()
        options.epochs = 1
        let teacher = try Student(body: try StudentTrainer(options: options).train(.mlp, on: try training.classData()).body,
                                  inputShape: [2, 20], classes: 2)
        let good = StimulusSet(exampleShape: [2, 20], classes: 2, inputs: Array(training.inputs.prefix(80)),
                               softLabels: [1, 0, 0, 1], targetClasses: [0, 1])
        var outOfRange = good
        outOfRange.targetClasses = [0, 2]
        var short = good
        short.softLabels = [1, 0]
        let empty = training.subset([])
        let (trained, unseen) = try MembershipSlice(fraction: 0.15).cut(training)
        let otherPersons = try Self.windows(persons: ["h1", "h2"], seed: 2)
        for (slice, heldOut, set) in [(unseen, training, outOfRange), (unseen, training, short), (unseen, empty, good),
                                      (empty, training, good), (otherPersons, training, good)] {
            #expect(throws: LearnError.self) {
                try ExportEvaluation().run(dataset: "x", training: trained, unseen: slice, heldOut: heldOut, teacher: teacher,
                                           stimulusSets: [("bad", set)])
            }
        }
        var negative = ExportEvaluation()
        negative.examplesPerClass = -1
        #expect(throws: LearnError.self) {
            try negative.run(dataset: "x", training: trained, unseen: unseen, heldOut: training, teacher: teacher,
                             stimulusSets: [("good", good)])
        }
    }
}
