import Foundation
@testable import StimSignals
import StimTestSupport
import Testing

@Suite("EDF and EDF+")
struct EDFTests {
    struct PythonSignal: Decodable {
        var label: String, unit: String, rate: Double, step: Double, written: [Double], pyedflib: [Double]
    }
    struct PythonAnnotation: Decodable { var onset: Double, duration: Double, text: String }
    struct PythonFile: Decodable { var signals: [PythonSignal], annotations: [PythonAnnotation] }

    /// Writes an EDF+ with pyedflib: two belts at different rates, known values, annotations, a patient name.
    static let pyedflibWriter = """
    import json, sys, numpy as np, pyedflib
    path = sys.argv[1]
    rates = [10, 4]
    seconds = 30
    t0 = np.arange(rates[0] * seconds) / rates[0]
    t1 = np.arange(rates[1] * seconds) / rates[1]
    data = [np.sin(2 * np.pi * 0.25 * t0) * 0.8 + 0.1, 94 + 3 * np.cos(t1 / 5)]
    w = pyedflib.EdfWriter(path, 2, file_type=pyedflib.FILETYPE_EDFPLUS)
    w.setPatientName('Jane Doe')
    w.setPatientCode('MRN-12345')
    w.setSignalHeaders([
        dict(label='Resp C', dimension='mV', sample_frequency=10, physical_min=-1.0, physical_max=1.0,
             digital_min=-32768, digital_max=32767, transducer='belt', prefilter=''),
        dict(label='SpO2', dimension='%', sample_frequency=4, physical_min=0.0, physical_max=100.0,
             digital_min=-2048, digital_max=2047, transducer='', prefilter='')])
    w.writeSamples(data)
    w.writeAnnotation(0, 60, 'A')
    w.writeAnnotation(12.5, -1, 'Arousal')
    w.writeAnnotation(20.25, 3.5, 'Desaturation événement')
    w.close()
    r = pyedflib.EdfReader(path)
    steps = [(r.getPhysicalMaximum(i) - r.getPhysicalMinimum(i)) / (r.getDigitalMaximum(i) - r.getDigitalMinimum(i)) for i in range(2)]
    onsets, durations, texts = r.readAnnotations()
    print(json.dumps(dict(
        signals=[dict(label=r.getLabel(i), unit=r.getPhysicalDimension(i), rate=float(r.getSampleFrequency(i)),
                      step=steps[i], written=[float(v) for v in data[i]], pyedflib=[float(v) for v in r.readSignal(i)])
                 for i in range(2)],
        annotations=[dict(onset=float(o), duration=float(d), text=t) for o, d, t in zip(onsets, durations, texts)])))
    """

    @Test("an EDF+ written by pyedflib: physical values within half a step, annotations, no patient data",
          .enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
    func readsPyedflib() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("night.edf")
        let reference = try JSONDecoder().decode(PythonFile.self, from: Data(try PythonEnvironment.run(["-c", Self.pyedflibWriter, path]).utf8))
        let r = try EDF.read(path: path)
        #expect(r.name == "night")
        let everything = ([r.name] + r.comments + r.annotations.map(\.text)).joined(separator: " ")
        #expect(!everything.contains("Jane") && !everything.contains("MRN"), "patient identification must not leak")
        #expect(r.signals.map(\.name) == ["Resp C", "SpO2"], "the annotation signal is not a signal")
        for (s, ref) in zip(r.signals, reference.signals) {
            #expect(s.unit == ref.unit && s.samplingRate == ref.rate)
            #expect(s.samples.count == ref.written.count)
            // edflib (under pyedflib) truncates when it quantizes, so its file is within one step of what it was
            // given; our reading must then agree with pyedflib's own to float precision.
            for (ours, written) in zip(s.samples, ref.written) { #expect(abs(Double(ours) - written) <= ref.step * 1.001 + 1e-6) }
            for (ours, theirs) in zip(s.samples, ref.pyedflib) { #expect(abs(Double(ours) - theirs) <= 1e-6 * max(1, abs(theirs))) }
        }
        #expect(r.annotations.map(\.text) == reference.annotations.map(\.text))
        #expect(r.annotations.map(\.onset) == reference.annotations.map(\.onset))
        #expect(r.annotations.map { $0.duration ?? -1 } == reference.annotations.map(\.duration))
        #expect(try MinuteLabel.labels(from: r.annotations, file: path) == [MinuteLabel(minute: 0, apnea: true)])
    }

    static let pyedflibReader = """
    import json, sys, pyedflib
    r = pyedflib.EdfReader(sys.argv[1])
    onsets, durations, texts = r.readAnnotations()
    print(json.dumps(dict(
        signals=[dict(label=r.getLabel(i), unit=r.getPhysicalDimension(i), rate=float(r.getSampleFrequency(i)),
                      step=(r.getPhysicalMaximum(i) - r.getPhysicalMinimum(i)) / (r.getDigitalMaximum(i) - r.getDigitalMinimum(i)),
                      written=[], pyedflib=[float(v) for v in r.readSignal(i)]) for i in range(r.signals_in_file)],
        annotations=[dict(onset=float(o), duration=float(d), text=t) for o, d, t in zip(onsets, durations, texts)])))
    """

    static func sample() -> Recording {
        Recording(name: "sim", signals: [
            Signal(name: "Resp A", unit: "a.u.", samplingRate: 8, samples: (0..<8 * 120).map { Float(sin(Double($0) * 0.05) * 123.456 + 7) }),
            Signal(name: "SpO2", unit: "%", samplingRate: 1, samples: (0..<120).map { Float(90 + $0 % 9) }),
            Signal(name: "Flow", unit: "l/s", samplingRate: 0.5, samples: (0..<60).map { Float($0) * 1e-4 - 0.0031 }),
        ], annotations: MinuteLabel.annotations(for: [MinuteLabel(minute: 0, apnea: false), MinuteLabel(minute: 1, apnea: true)])
            + [RecordingAnnotation(onset: 61.125, text: "arousal")])
    }

    @Test("Swift writes EDF+C → pyedflib reads the same values (within half a step), rates and annotations",
          .enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
    func pyedflibReadsOurs() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let original = Self.sample()
        try EDFWriter.write(original, to: dir.file("sim.edf"))
        let reference = try JSONDecoder().decode(PythonFile.self, from: Data(try PythonEnvironment.run(["-c", Self.pyedflibReader, dir.file("sim.edf")]).utf8))
        #expect(reference.signals.map(\.label) == ["Resp A", "SpO2", "Flow"])
        for (s, ref) in zip(original.signals, reference.signals) {
            #expect(ref.rate == s.samplingRate && ref.unit == s.unit)
            #expect(ref.pyedflib.count == s.samples.count)
            for (x, y) in zip(s.samples, ref.pyedflib) { #expect(abs(Double(x) - y) <= ref.step / 2 * 1.001 + 1e-6 * abs(y), "\(s.name)") }
        }
        #expect(reference.annotations.map(\.text) == ["N", "A", "arousal"])
        #expect(reference.annotations.map(\.onset) == [0, 60, 61.125])
        #expect(reference.annotations.map(\.duration) == [60, 60, -1])

        let back = try EDF.read(path: dir.file("sim.edf"))
        #expect(back.annotations == original.annotations)
        #expect(back.signals.map(\.samplingRate) == [8, 1, 0.5])
    }

    @Test("round trip: NaN survives as a gap, the last record is padded with NaN, constant signals work")
    func roundTripGaps() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var samples = (0..<25).map { Float($0) / 3 }
        samples[4] = .nan
        let r = Recording(name: "g", signals: [Signal(name: "x", unit: "", samplingRate: 2, samples: samples),
                                               Signal(name: "c", unit: "", samplingRate: 2, samples: Array(repeating: 5, count: 24))])
        try EDFWriter.write(r, to: dir.file("g.edf"))
        let back = try EDF.read(path: dir.file("g.edf"))
        #expect(back.signals[0].samples.count == 26 && back.signals[0].samples[25].isNaN && back.signals[0].samples[4].isNaN)
        for (x, y) in zip(samples, back.signals[0].samples) where !x.isNaN { #expect(abs(x - y) < 1e-3) }
        #expect(back.signals[1].samples.prefix(24).allSatisfy { abs($0 - 5) < 1e-3 })
    }

    @Test("EDF+D: records placed at their time-keeping onsets, NaN between")
    func discontinuous() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = Recording(name: "d", signals: [Signal(name: "x", unit: "", samplingRate: 4, samples: (0..<12).map { Float($0) })])
        try EDFWriter.write(r, to: dir.file("d.edf"))
        var bytes = try RecordingFile.bytes(at: dir.file("d.edf"))
        bytes.replaceSubrange(192..<197, with: Array("EDF+D".utf8))
        // Record 2's time-keeping TAL "+2\u{14}\u{14}" becomes "+5": a 3-second gap.
        let header = try EDF.header(bytes, file: "d.edf")
        let tal = header.headerBytes + 2 * header.recordBytes + 2 * 4
        #expect(bytes[tal] == UInt8(ascii: "+") && bytes[tal + 1] == UInt8(ascii: "2"))
        bytes[tal + 1] = UInt8(ascii: "5")
        let back = try EDF.decode(bytes, name: "d", file: "d.edf")
        let s = back.signals[0].samples
        #expect(s.count == 24)
        let expected: [Float] = (0..<8).map(Float.init) + Array(repeating: .nan, count: 12) + [8, 9, 10, 11]
        #expect(zip(s, expected).allSatisfy { abs($0 - $1) < 1e-3 || ($0.isNaN && $1.isNaN) })
    }

    @Test("bad numbers in header fields: errors at the field's offset", arguments: [
        (236, "abc", 236), (244, "-1", 244), (252, "0", 252), (184, "999", 184), (0, "1", 0),
        (256 + 2 * 104, "x", 256 + 2 * 104), (256 + 2 * 120, "40000", 256 + 2 * 120), (256 + 2 * 216, "0", 256 + 2 * 216),
    ])
    func badFields(offset: Int, value: String, location: Int) throws {
        let r = Recording(name: "b", signals: [Signal(name: "x", unit: "", samplingRate: 1, samples: [1, 2, 3])])
        var bytes = try EDFWriter.encode(r, file: "b.edf")
        let width = offset == 252 ? 4 : 8
        bytes.replaceSubrange(offset..<(offset + width), with: Array((value + String(repeating: " ", count: width - value.count)).utf8))
        #expect {
            _ = try EDF.decode(bytes, name: "b", file: "b.edf")
        } throws: { e in
            guard let e = e as? RecordingError else { return false }
            return e.file == "b.edf" && e.location == .offset(location)
        }
    }

    @Test("truncated and corrupted files at many offsets: RecordingError or a valid read, never a crash",
          .enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
    func fuzzedOffsets() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try PythonEnvironment.run(["-c", Self.pyedflibWriter, dir.file("p.edf")])
        let bytes = try RecordingFile.bytes(at: dir.file("p.edf"))
        for cut in Array(stride(from: 0, to: bytes.count, by: 37)) + [bytes.count - 1] {
            #expect(throws: RecordingError.self) { _ = try EDF.decode(Array(bytes[..<cut]), name: "p", file: "p.edf") }
            var garbled = bytes
            for (k, v) in [0x00, 0x14, 0x15, 0x2B, 0xFF, 0x39].enumerated() where cut + k < garbled.count { garbled[cut + k] = UInt8(v) }
            do { _ = try EDF.decode(garbled, name: "p", file: "p.edf") } catch is RecordingError {}
        }
    }
}
