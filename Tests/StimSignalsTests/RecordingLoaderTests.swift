import Foundation
import StimSignals
import StimTestSupport
import Testing

@Suite("Recording loader")
struct RecordingLoaderTests {
    static let labels = (0..<3).map { MinuteLabel(minute: $0, apnea: $0 == 1) }

    static func recording(name: String) -> Recording {
        Recording(name: name, signals: [Signal(name: "Resp C", unit: "", samplingRate: 2,
                                               samples: (0..<360).map { Float(sin(Double($0) / 5)) })])
    }

    @Test("WFDB: .hea with NAME.apn beside it, timed in the header's frames")
    func wfdb() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try WFDBWriter.write(Self.recording(name: "w"), to: dir.path)
        try WFDBAnnotationFile.write(WFDBAnnotationFile.annotations(for: Self.labels, samplingRate: 2), to: dir.file("w.apn"))
        let loaded = try RecordingLoader.load(path: dir.file("w.hea"), channels: ["resp c"])
        #expect(loaded.labels == Self.labels && loaded.labelSource == dir.file("w.apn"))
        #expect(loaded.recording.signals.count == 1 && loaded.recording.signals[0].samples.count == 360)
    }

    @Test("EDF: labels from EDF+ annotations, or from a sidecar .apn (which wins)")
    func edf() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var r = Self.recording(name: "e")
        r.annotations = MinuteLabel.annotations(for: Self.labels)
        try EDFWriter.write(r, to: dir.file("e.edf"))
        let fromAnnotations = try RecordingLoader.load(path: dir.file("e.edf"))
        #expect(fromAnnotations.labels == Self.labels && fromAnnotations.labelSource == dir.file("e.edf"))
        let sidecar = [MinuteLabel(minute: 0, apnea: true)]
        try WFDBAnnotationFile.write(WFDBAnnotationFile.annotations(for: sidecar, samplingRate: 2), to: dir.file("e.apn"))
        #expect(try RecordingLoader.load(path: dir.file("e.edf")).labels == sidecar)
    }

    @Test("CSV: needs a rate; labels from a sidecar .apn at that rate; unknown extensions are errors")
    func csv() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("c.csv", "t,Resp C\n0,1\n0.5,2\n1,3\n")
        #expect(throws: RecordingError.self) { _ = try RecordingLoader.load(path: dir.file("c.csv")) }
        #expect(try RecordingLoader.load(path: dir.file("c.csv"), samplingRate: 2).labels.isEmpty)
        try WFDBAnnotationFile.write(WFDBAnnotationFile.annotations(for: Self.labels, samplingRate: 2), to: dir.file("c.apn"))
        #expect(try RecordingLoader.load(path: dir.file("c.csv"), samplingRate: 2).labels == Self.labels)
        #expect(throws: RecordingError.self) { _ = try RecordingLoader.load(path: dir.file("c.txt")) }
        #expect(throws: RecordingError.self) { _ = try RecordingLoader.load(path: dir.file("missing.hea")) }
    }

    @Test("conflicting minute annotations in EDF+ are an error")
    func conflicting() throws {
        #expect(throws: RecordingError.self) {
            _ = try MinuteLabel.labels(from: [RecordingAnnotation(onset: 0, duration: 60, text: "A"),
                                              RecordingAnnotation(onset: 30, text: "normal")], file: "x.edf")
        }
        #expect(try MinuteLabel.labels(from: [RecordingAnnotation(onset: 60, duration: 120, text: "Apnoea")], file: "x.edf")
                == [MinuteLabel(minute: 1, apnea: true), MinuteLabel(minute: 2, apnea: true)])
    }
}
