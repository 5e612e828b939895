import Foundation
@testable import StimSignals
import StimTestSupport
import Testing

@Suite("WFDB records")
struct WFDBRecordTests {
    static let resp = SharedData.path("apnea-ecg/resp-1hz")?.path ?? ""

    /// From ../shared/data/README.md: labelled minutes and apnea fraction of each 1 Hz respiration record.
    static let respTable: [(String, Int, Double)] = [
        ("a01r", 489, 0.961), ("a02r", 528, 0.795), ("a03r", 519, 0.474), ("a04r", 492, 0.921),
        ("b01r", 487, 0.039), ("c01r", 484, 0.000), ("c02r", 502, 0.002), ("c03r", 454, 0.000),
    ]

    @Test("resp-1hz: checksums verify, samples 0-1 are invalid (NaN), labels match the data README",
          .enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
    func respiration() throws {
        var total = 0, apnea = 0
        for (name, minutes, fraction) in Self.respTable {
            let loaded = try RecordingLoader.load(path: Self.resp + "/\(name).hea")
            let r = loaded.recording
            #expect(r.signals.map(\.name) == ["Resp C", "Resp A", "Resp N", "SpO2"], "\(name)")
            for s in r.signals {
                #expect(s.samplingRate == 1 && s.samples.count > 25_000, "\(name) \(s.name)")
                #expect(s.samples[0].isNaN && s.samples[1].isNaN && s.samples[2].isFinite, "\(name) \(s.name)")
            }
            let spo2 = try #require(r.signal(named: "spo2")).samples.dropFirst(2).filter(\.isFinite).sorted()
            #expect((85...100).contains(spo2[spo2.count / 2]), "\(name): median SpO2 \(spo2[spo2.count / 2]) %")
            #expect(loaded.labels.count == minutes, "\(name)")
            let a = loaded.labels.filter(\.apnea).count
            #expect(abs(Double(a) / Double(minutes) - fraction) < 0.0005, "\(name)")
            #expect(loaded.labelSource == Self.resp + "/\(name).apn")
            total += minutes
            apnea += a
        }
        // The README's total of 3,951 labelled minutes disagrees with its own rows, which sum to 3,955 (the
        // .apn files agree with the rows); its 1,609 apnea minutes agree.
        #expect(total == 3955 && apnea == 1609)
    }

    @Test("resp-1hz a01r: physical values equal wfdb.rdrecord's, sample for sample",
          .enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"),
          .enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
    func matchesWfdb() throws {
        let path = Self.resp + "/a01r"
        try Self.expectSameAsWfdb(try WFDBRecord.read(headerPath: path + ".hea"), recordPath: path)
    }

    /// Compares every sample with wfdb.rdrecord's physical values (NaN where wfdb has NaN).
    static func expectSameAsWfdb(_ r: Recording, recordPath: String) throws {
        let script = """
        import json, sys, wfdb, numpy as np
        rec = wfdb.rdrecord(sys.argv[1])
        print(json.dumps(dict(names=rec.sig_name, fs=float(rec.fs),
            signals=[[None if np.isnan(v) else float(v) for v in rec.p_signal[:, i]] for i in range(rec.n_sig)])))
        """
        struct Reference: Decodable { var names: [String]; var fs: Double; var signals: [[Double?]] }
        let reference = try JSONDecoder().decode(Reference.self, from: Data(try PythonEnvironment.run(["-c", script, recordPath]).utf8))
        #expect(r.signals.map(\.name) == reference.names)
        for (s, values) in zip(r.signals, reference.signals) {
            #expect(s.samplingRate == reference.fs)
            #expect(s.samples.count == values.count, "\(s.name)")
            var worst = 0.0
            for (ours, theirs) in zip(s.samples, values) {
                if let theirs { worst = max(worst, abs(Double(ours) - theirs) / max(1, abs(theirs))) } else { #expect(ours.isNaN) }
            }
            #expect(worst < 1e-6, "\(s.name): largest relative difference \(worst)")
        }
    }

    @Test("a changed byte in a real .dat is caught by the header's checksum",
          .enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
    func corruptedRealData() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let bytes = try RecordingFile.bytes(at: Self.resp + "/b01r.dat")
        try dir.write("b01r.hea", try RecordingFile.bytes(at: Self.resp + "/b01r.hea"))
        for offset in [1000, 50_001, bytes.count - 3] {
            var corrupt = bytes
            corrupt[offset] ^= 0x10
            try dir.write("b01r.dat", corrupt)
            #expect {
                _ = try WFDBRecord.read(headerPath: dir.file("b01r.hea"))
            } throws: { e in
                (e as? RecordingError)?.problem.contains("checksum") == true && (e as? RecordingError)?.file == dir.file("b01r.dat")
            }
        }
    }

    @Test("channels: only the chosen signals, in the caller's order; an unknown name is an error",
          .enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
    func channelSelection() throws {
        let all = try WFDBRecord.read(headerPath: Self.resp + "/c01r.hea")
        let two = try WFDBRecord.read(headerPath: Self.resp + "/c01r.hea", channels: ["spo2", " Resp C"])
        #expect(same(two.signals, [all.signals[3], all.signals[0]]))
        #expect(throws: RecordingError.self) { _ = try WFDBRecord.read(headerPath: Self.resp + "/c01r.hea", channels: ["ECG"]) }
    }

    static func sampleRecording(count: Int, name: String = "syn", rate: Double = 25) -> Recording {
        let sine = (0..<count).map { i in Float(sin(Double(i) * 0.37) * 1.7 + 0.2) }
        var ramp = (0..<count).map { i in Float(i) * 0.01 - 3 }
        ramp[count / 2] = .nan
        return Recording(name: name, signals: [
            Signal(name: "Resp C", unit: "l", samplingRate: rate, samples: sine),
            Signal(name: "SpO2", unit: "%", samplingRate: rate, samples: ramp),
        ], comments: ["simulated night", "second comment"])
    }

    @Test("writer → reader round trip within half an ADC step; NaN stays NaN; wfdb reads the same values",
          arguments: [(16, 1001), (212, 1001), (212, 1000), (212, 1)])
    func roundTrip(format: Int, count: Int) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let original = Self.sampleRecording(count: count)
        try WFDBWriter.write(original, to: dir.path, format: format)
        let header = try WFDBHeader.read(path: dir.file("syn.hea"))
        let back = try WFDBRecord.read(headerPath: dir.file("syn.hea"))
        #expect(back.comments == original.comments)
        #expect(back.signals.map(\.name) == ["Resp C", "SpO2"] && back.signals.map(\.unit) == ["l", "%"])
        let expectedBytes = format == 16 ? 4 * count : 3 * count
        #expect(try RecordingFile.bytes(at: dir.file("syn.dat")).count == expectedBytes)
        for (i, (a, b)) in zip(original.signals, back.signals).enumerated() {
            #expect(b.samples.count == count && b.samplingRate == 25)
            let halfStep = 0.5 / header.signals[i].gain
            for (x, y) in zip(a.samples, b.samples) {
                if x.isNaN { #expect(y.isNaN) } else { #expect(abs(Double(x) - Double(y)) <= halfStep * 1.0001 + 1e-6 * abs(Double(x))) }
            }
        }
        if PythonEnvironment.unavailableReason == nil { try Self.expectSameAsWfdb(back, recordPath: dir.file("syn")) }
    }

    @Test("signals spread over two files (format 212 and 16) read as one record")
    func multiFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let a = Self.sampleRecording(count: 301, name: "parta")
        let b = Recording(name: "partb", signals: [Signal(name: "ECG", unit: "mV", samplingRate: 25,
                                                           samples: (0..<301).map { Float($0 % 17) - 8 })])
        try WFDBWriter.write(a, to: dir.path, format: 212)
        try WFDBWriter.write(b, to: dir.path, format: 16)
        let la = try String(contentsOfFile: dir.file("parta.hea"), encoding: .utf8).split(separator: "\n")
        let lb = try String(contentsOfFile: dir.file("partb.hea"), encoding: .utf8).split(separator: "\n")
        try dir.write("both.hea", "both 3 25 301\n\(lb[1])\n\(la[1])\n\(la[2])\n")
        let both = try WFDBRecord.read(headerPath: dir.file("both.hea"))
        let ra = try WFDBRecord.read(headerPath: dir.file("parta.hea")), rb = try WFDBRecord.read(headerPath: dir.file("partb.hea"))
        #expect(same(both.signals, rb.signals + ra.signals))
        #expect(same(try WFDBRecord.read(headerPath: dir.file("both.hea"), channels: ["ECG"]).signals, rb.signals))
    }

    @Test("multi-segment record with a layout segment, a null (~) segment and a segment lacking a signal")
    func multiSegment() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let one = Self.sampleRecording(count: 40, name: "seg1", rate: 10)
        var two = Self.sampleRecording(count: 30, name: "seg2", rate: 10)
        two.signals.removeFirst()
        try WFDBWriter.write(one, to: dir.path)
        try WFDBWriter.write(two, to: dir.path, format: 212)
        try dir.write("lay.hea", "lay 2 10 0\n~ 0 1 0 0 0 0 0 Resp C\n~ 0 1 0 0 0 0 0 SpO2\n")
        try dir.write("multi.hea", "multi/4 2 10 85\nlay 0\nseg1 40\n~ 15\nseg2 30\n# a comment\n")
        let r = try WFDBRecord.read(headerPath: dir.file("multi.hea"))
        let s1 = try WFDBRecord.read(headerPath: dir.file("seg1.hea")), s2 = try WFDBRecord.read(headerPath: dir.file("seg2.hea"))
        #expect(r.name == "multi" && r.comments == ["a comment"])
        #expect(r.signals.map(\.name) == ["Resp C", "SpO2"] && r.signals.map(\.samples.count) == [85, 85])
        let c = r.signals[0].samples, o = r.signals[1].samples
        func same(_ a: ArraySlice<Float>, _ b: [Float]) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        }
        #expect(same(c[0..<40], s1.signals[0].samples) && same(o[0..<40], s1.signals[1].samples))
        #expect(c[40...].allSatisfy { $0.isNaN }, "the gap and the segment without Resp C are NaN")
        #expect(o[40..<55].allSatisfy { $0.isNaN })
        #expect(same(o[55...], s2.signals[0].samples))
        try dir.write("huge.hea", "huge/2 1 10\nseg1 40\n~ 999999999999\n")
        #expect(throws: RecordingError.self) { _ = try WFDBRecord.read(headerPath: dir.file("huge.hea")) }
    }

    @Test("byte offset, samples per frame and skew: a hand-built format 16 file")
    func frameLayout() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // Frame: a0 a1 b; 4 frames after 6 header bytes. Signal b has skew 1 (its sample i is stored in frame i+1).
        let values: [Int16] = [1, 2, 100, 3, 4, 101, 5, 6, 102, 7, 8, 103]
        let data = [UInt8](repeating: 0xAB, count: 6) + values.flatMap { [UInt8(UInt16(bitPattern: $0) & 0xFF), UInt8(UInt16(bitPattern: $0) >> 8)] }
        try dir.write("f.dat", data)
        try dir.write("f.hea", "f 2 5 4\nf.dat 16x2+6 2(0)/u\nf.dat 16:1+6 10(100)/v\n")
        let r = try WFDBRecord.read(headerPath: dir.file("f.hea"))
        #expect(r.signals[0].samplingRate == 10 && r.signals[1].samplingRate == 5)
        #expect(r.signals[0].samples == [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4])
        #expect(Array(r.signals[1].samples[0..<3]) == [0.1, 0.2, 0.3] && r.signals[1].samples[3].isNaN)
    }

    @Test("a .dat shorter than the header says: error naming the file and the offset where it ends")
    func truncatedData() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try WFDBWriter.write(Self.sampleRecording(count: 501), to: dir.path, format: 212)
        let full = try RecordingFile.bytes(at: dir.file("syn.dat"))
        for cut in [0, 1, 2, 3, 700, full.count - 1] {
            try dir.write("syn.dat", Array(full[..<cut]))
            #expect {
                _ = try WFDBRecord.read(headerPath: dir.file("syn.hea"))
            } throws: { e in
                guard let e = e as? RecordingError else { return false }
                return e.file == dir.file("syn.dat") && e.location == .offset(cut)
            }
        }
        // Without a length in the header, the whole frames present are the record.
        try dir.write("syn.dat", Array(full[..<700]))
        let header = try String(contentsOfFile: dir.file("syn.hea"), encoding: .utf8)
        let lines = header.split(separator: "\n")
        // Fields after the initial value (checksum, block size, description) are optional, from the right.
        let noChecksums = lines.dropFirst().prefix(2).map { $0.split(separator: " ").prefix(6).joined(separator: " ") }
        try dir.write("syn.hea", "syn 2 25\n" + noChecksums.joined(separator: "\n") + "\n")
        let r = try WFDBRecord.read(headerPath: dir.file("syn.hea"))
        #expect(r.signals.map(\.samples.count) == [233, 233], "700 bytes = 466 whole 12-bit samples = 233 frames")
    }

    @Test("truncated or damaged headers and data at many offsets: a RecordingError, never a crash",
          .enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
    func fuzzedOffsets() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let header = try RecordingFile.bytes(at: Self.resp + "/a03r.hea")
        let data = try RecordingFile.bytes(at: Self.resp + "/a03r.dat")
        try dir.write("a03r.dat", data)
        for cut in stride(from: 0, to: header.count, by: 7) {
            try dir.write("a03r.hea", Array(header[..<cut]))
            do { _ = try WFDBRecord.read(headerPath: dir.file("a03r.hea")) } catch {}
            var garbled = header
            garbled[cut] = [0x00, 0x2F, 0x28, 0x78, 0xFF][cut % 5]
            try dir.write("a03r.hea", garbled)
            do { _ = try WFDBRecord.read(headerPath: dir.file("a03r.hea")) } catch {}
        }
        try dir.write("a03r.hea", header)
        for cut in [1, data.count / 3, data.count - 1] {
            try dir.write("a03r.dat", Array(data[..<cut]))
            #expect(throws: RecordingError.self) { _ = try WFDBRecord.read(headerPath: dir.file("a03r.hea")) }
        }
    }

    @Test("writer refusals: mixed rates, bad names, unsupported formats")
    func writerErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var mixed = Self.sampleRecording(count: 10)
        mixed.signals[1].samplingRate = 50
        #expect(throws: RecordingError.self) { try WFDBWriter.write(mixed, to: dir.path) }
        #expect(throws: RecordingError.self) { try WFDBWriter.write(Self.sampleRecording(count: 10, name: "a b"), to: dir.path) }
        #expect(throws: RecordingError.self) { try WFDBWriter.write(Self.sampleRecording(count: 10), to: dir.path, format: 80) }
        #expect(throws: RecordingError.self) { try WFDBWriter.write(Self.sampleRecording(count: 10), to: dir.path + "/missing/folder") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "no file, not even a temporary one, is left")
    }
}
