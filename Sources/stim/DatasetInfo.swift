import Foundation
import StimFormats

/// What `stim inspect` says of a stimuli dataset (text or JSON).
struct DatasetInfo: Encodable {
    var kind = "dataset"
    var file: String
    var sizeBytes: Int
    var format: String
    var task: String
    var classes: [String]
    var input: InputInfo
    var sampleEncoding: String
    var labelEncoding: String
    var stimuli: Int
    var chunks: Int
    var maxChunkStimuli: Int
    var classCounts: [String: Int]
    var bytesPerStimulus: Double
    var provenance: [String: String]
    var summary: [String: Double]
    var evaluation: String
    var verified: Bool

    enum CodingKeys: String, CodingKey {
        case kind, file, format, task, classes, input, stimuli, chunks, provenance, summary, evaluation, verified
        case sizeBytes = "size_bytes", sampleEncoding = "sample_encoding", labelEncoding = "label_encoding"
        case maxChunkStimuli = "max_chunk_stimuli", classCounts = "class_counts", bytesPerStimulus = "bytes_per_stimulus"
    }

    init(_ reader: DatasetReader, verified: Bool) {
        let h = reader.header
        file = reader.file
        sizeBytes = reader.size
        format = "1.\(reader.minorVersion)"
        task = h.task
        classes = h.classNames
        input = InputInfo(h.input)
        switch h.sampleEncoding.kind {
        case .float32: sampleEncoding = "float32"
        case .int16, .int8:
            let scales = h.sampleEncoding.scale.map { String(format: "%.4g", $0) }.joined(separator: ", ")
            sampleEncoding = "\(h.sampleEncoding.kind) (scale \(scales); zero point \(h.sampleEncoding.zeroPoint.map(String.init).joined(separator: ", ")))"
        }
        labelEncoding = "\(h.labelEncoding) class probabilities"
        stimuli = reader.stimulusCount
        chunks = reader.chunkCount
        maxChunkStimuli = h.maxChunkStimuli
        classCounts = Dictionary(uniqueKeysWithValues: zip(h.classNames, reader.footer.classCounts))
        bytesPerStimulus = stimuli > 0 ? Double(reader.size) / Double(stimuli) : 0
        var p: [String: String] = [:]
        if !h.provenance.producer.isEmpty { p["producer"] = h.provenance.producer }
        if !h.provenance.createdUTC.isEmpty { p["created"] = h.provenance.createdUTC }
        if !h.provenance.teacherDigest.isEmpty {
            p["teacher_sha256"] = h.provenance.teacherDigest.map { String(format: "%02x", $0) }.joined()
        }
        if let g = h.provenance.generator {
            p["generator"] = "\(g.architecture.isEmpty ? "" : g.architecture + ", ")noise \(g.noiseDimension), threshold "
                + "\(g.thresholdMin)...\(g.thresholdMax), \(g.maxSteps) steps, lr \(g.learningRate), seed \(g.seed)"
        }
        if let a = h.provenance.anonymization {
            p["anonymization"] = a.target == .none ? "off"
                : "\(a.target == .marginal ? "marginal p(person)" : "class-conditional p(person | class)"), weight "
                    + "\(a.weight), KL bound \(a.klBound), \(a.identities) persons"
        }
        provenance = p
        let s = h.summary
        summary = [
            "teacher_accuracy": s.teacherAccuracy, "student_accuracy": s.studentAccuracy,
            "student_real_accuracy": s.studentRealAccuracy, "reidentification_top1": s.reidentificationTop1,
            "reidentification_chance": s.reidentificationChance, "closest_record_ratio": s.closestRecordRatio,
            "membership_auc": s.membershipAUC,
        ].filter { $0.value != 0 }
        for m in s.metrics { summary[m.name] = m.value }
        evaluation = s.evaluation
        self.verified = verified
    }

    func print() {
        Swift.print("\(file): stimuli dataset, format \(format), \(Output.bytes(sizeBytes))")
        var rows: [(String, String)] = [("task", task), ("classes", classes.joined(separator: ", "))]
        rows += input.rows()
        rows += [
            ("samples", sampleEncoding), ("labels", labelEncoding),
            ("stimuli", "\(stimuli) in \(chunks) chunk\(chunks == 1 ? "" : "s") (at most \(maxChunkStimuli) each), "
                + String(format: "%.1f bytes each", bytesPerStimulus)),
            ("by class", classes.map { "\($0) \(classCounts[$0] ?? 0)" }.joined(separator: ", ")),
        ]
        rows += provenance.sorted { $0.key < $1.key }.map { ($0.key.replacingOccurrences(of: "_", with: " "), $0.value) }
        rows += summary.sorted { $0.key < $1.key }.map {
            ($0.key.replacingOccurrences(of: "_", with: " "), String(format: "%.4g", $0.value))
        }
        if !evaluation.isEmpty { rows.append(("evaluation", evaluation)) }
        rows.append(("checked", verified ? "every chunk (CRC-32C, sizes, finite values, probabilities)"
                                          : "header and chunk index only (--quick)"))
        Output.table(rows)
    }
}

/// The input a dataset or model expects.
struct InputInfo: Encodable {
    struct ChannelInfo: Encodable {
        var name: String
        var unit: String
        var samplingRateHz: Double
        enum CodingKeys: String, CodingKey { case name, unit, samplingRateHz = "sampling_rate_hz" }
    }

    var channels: [ChannelInfo]
    var samplesPerWindow: Int
    var windowSeconds: Double
    var normalization: String

    enum CodingKeys: String, CodingKey {
        case channels, normalization
        case samplesPerWindow = "samples_per_window", windowSeconds = "window_seconds"
    }

    init(_ spec: InputSpec) {
        channels = spec.channels.map { ChannelInfo(name: $0.name, unit: $0.unit, samplingRateHz: $0.samplingRate) }
        samplesPerWindow = spec.samplesPerWindow
        windowSeconds = spec.windowSeconds
        normalization = Self.describe(spec.normalization)
    }

    static func describe(_ n: Normalization) -> String {
        var text: String
        switch n.method {
        case .none: text = "none (physical units)"
        case .runningZScore:
            text = "causal z-score over the window" + (n.historyMinutes > 0 ? " and the \(n.historyMinutes) minutes before it" : "")
                + ", epsilon \(n.epsilon)"
        case .recordZScore: text = "z-score over the whole recording, epsilon \(n.epsilon)"
        case .fixedAffine: text = "fixed affine: offset \(n.offset), scale \(n.scale)"
        }
        if n.clip > 0 { text += ", clipped to ±\(n.clip)" }
        return text
    }

    func rows() -> [(String, String)] {
        [("input", "\(channels.count) channel\(channels.count == 1 ? "" : "s") × \(samplesPerWindow) samples "
            + "(\(String(format: "%g", windowSeconds)) s window)")]
            + channels.map { ("  " + $0.name, "\($0.unit.isEmpty ? "no unit" : $0.unit), \(String(format: "%g", $0.samplingRateHz)) Hz") }
            + [("normalization", normalization)]
    }
}
