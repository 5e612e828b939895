import Foundation
@testable import StimFormats

/// Small datasets and files for the format tests.
enum Fixtures {
    static func header(samples: SampleEncoding.Kind = .int16, labels: LabelEncoding = .float32, chunk: Int = 4,
                       classes: Int = 2, channels: Int = 2, samplesPerWindow: Int = 60) -> DatasetHeader {
        var provenance = Provenance(producer: "stim tests", teacherDigest: Array(0..<32),
                                    generator: GeneratorSettings(seed: 42, architecture: "dense-128"),
                                    anonymization: AnonymizationSettings(target: .marginal, weight: 0.5, klBound: 0.1,
                                                                         identities: 7),
                                    createdUTC: "2026-11-23T12:00:00Z")
        provenance.generator?.maxSteps = 50
        var summary = ReportSummary()
        summary.teacherAccuracy = 0.91
        summary.evaluation = "leave-one-record-out, 8 records"
        summary.metrics = [Metric(name: "kappa", value: 0.82, detail: "teacher")]
        let names = ["Resp C", "Resp A", "Resp N", "SpO2"]
        return DatasetHeader(
            task: "apnea", classNames: (0..<classes).map { $0 == 0 ? "normal" : $0 == 1 ? "apnea" : "class \($0)" },
            input: InputSpec(channels: (0..<channels).map { Channel(name: names[$0 % 4], unit: "mV", samplingRate: 1) },
                             samplesPerWindow: samplesPerWindow,
                             normalization: Normalization(method: .runningZScore, historyMinutes: 5, epsilon: 1e-3,
                                                          clip: 8)),
            sampleEncoding: samples == .float32 ? SampleEncoding() : .symmetric(samples, channels: channels, range: 8),
            labelEncoding: labels, maxChunkStimuli: chunk, provenance: provenance, summary: summary)
    }

    /// Deterministic real samples in about [-9, 9] (some saturate int encodings) and probabilities summing to 1.
    static func stimuli(_ n: Int, header: DatasetHeader, seed: UInt64 = 1) -> (samples: [Float], labels: [Float]) {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> Float {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Float(state >> 40) / Float(1 << 24)
        }
        let samples = (0..<n * header.input.valuesPerWindow).map { _ in next() * 18 - 9 }
        let classes = header.classNames.count
        var labels: [Float] = []
        for _ in 0..<n {
            let raw = (0..<classes).map { _ in next() + 0.01 }
            let sum = raw.reduce(0, +)
            labels += raw.map { $0 / sum }
        }
        return (samples, labels)
    }

    static func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stim-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    /// Writes a dataset and returns its path.
    static func writeDataset(_ header: DatasetHeader, count: Int, name: String = "test.stim",
                             targets: Bool = false) throws -> String {
        let path = temporaryPath(name)
        let writer = try DatasetWriter(path: path, header: header)
        let (samples, labels) = stimuli(count, header: header)
        try writer.append(samples: samples, labels: labels,
                          targetClass: targets ? (0..<count).map { UInt32($0 % header.classNames.count) } : nil)
        try writer.finish()
        return path
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A dataset file assembled frame by frame, for files no writer would make.
    static func assemble(header: DatasetHeader, chunks: [StimulusChunk], footer: ((inout DatasetFooter) -> Void)? = nil)
        -> [UInt8] {
        var bytes = Container.preamble(magic: Container.datasetMagic)
        let h = Frame.encode(.header, header.encoded())
        bytes += h.bytes
        var entries: [ChunkEntry] = []
        var classCounts = Array(repeating: 0, count: header.classNames.count)
        for chunk in chunks {
            let f = Frame.encode(.chunk, chunk.encoded())
            entries.append(ChunkEntry(offset: bytes.count, length: f.bytes.count - 9, count: chunk.count, crc32c: f.crc,
                                      firstIndex: chunk.firstIndex))
            bytes += f.bytes
            for k in chunk.argmaxClasses(classes: header.classNames.count) { classCounts[k] += 1 }
        }
        var foot = DatasetFooter(stimulusCount: chunks.reduce(0) { $0 + $1.count }, chunks: entries,
                                 classCounts: classCounts, headerCRC32C: h.crc)
        footer?(&foot)
        let footerOffset = bytes.count
        bytes += Frame.encode(.footer, foot.encoded()).bytes
        bytes += Container.trailer(lastFrameOffset: footerOffset)
        return bytes
    }
}
