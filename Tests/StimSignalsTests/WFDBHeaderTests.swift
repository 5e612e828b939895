import Foundation
import StimSignals
import StimTestSupport
import Testing

@Suite("WFDB headers")
struct WFDBHeaderTests {
    /// Every header in physionet/ and resp-1hz/.
    static var realHeaders: [String] {
        ["apnea-ecg/physionet", "apnea-ecg/resp-1hz"].flatMap { folder -> [String] in
            guard let dir = SharedData.path(folder),
                  let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
            return names.filter { $0.hasSuffix(".hea") }.sorted().map { dir.path + "/" + $0 }
        }
    }

    struct Reference: Decodable {
        var path: String, name: String, nsig: Int, fs: Double, length: Int?
        var files: [String], formats: [String], gains: [Double], baselines: [Int], units: [String]
        var resolutions: [Int], zeros: [Int], initials: [Int], checksums: [Int], names: [String], comments: [String]
    }

    @Test("every real header parses, and agrees field by field with the wfdb Python package",
          .enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"),
          .enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
    func realHeadersMatchWfdb() throws {
        let paths = Self.realHeaders
        #expect(paths.count == 51 + 8)
        let script = """
        import json, sys, wfdb
        out = []
        for p in sys.argv[1:]:
            h = wfdb.rdheader(p[:-4])
            out.append(dict(path=p, name=h.record_name, nsig=h.n_sig, fs=float(h.fs), length=h.sig_len,
                files=h.file_name, formats=h.fmt, gains=h.adc_gain, baselines=h.baseline, units=h.units,
                resolutions=h.adc_res, zeros=h.adc_zero, initials=h.init_value, checksums=h.checksum,
                names=h.sig_name, comments=h.comments))
        print(json.dumps(out))
        """
        let json = try PythonEnvironment.run(["-c", script] + paths)
        let references = try JSONDecoder().decode([Reference].self, from: Data(json.utf8))
        #expect(references.count == paths.count)
        for r in references {
            let h = try WFDBHeader.read(path: r.path)
            #expect(h.recordName == r.name, "\(r.path)")
            #expect(h.numberOfSignals == r.nsig && h.signals.count == r.nsig, "\(r.path)")
            #expect(h.samplingFrequency == r.fs, "\(r.path)")
            #expect(h.numberOfSamples == r.length, "\(r.path)")
            #expect(h.comments == r.comments, "\(r.path)")
            #expect(h.signals.map(\.fileName) == r.files, "\(r.path)")
            #expect(h.signals.map { String($0.format) } == r.formats, "\(r.path)")
            #expect(h.signals.map(\.gain) == r.gains, "\(r.path)")
            #expect(h.signals.map(\.baseline) == r.baselines, "\(r.path)")
            #expect(h.signals.map(\.units) == r.units, "\(r.path)")
            #expect(h.signals.map(\.adcResolution) == r.resolutions, "\(r.path)")
            #expect(h.signals.map(\.adcZero) == r.zeros, "\(r.path)")
            #expect(h.signals.map(\.initialValue) == r.initials, "\(r.path)")
            #expect(h.signals.map(\.checksum) == r.checksums, "\(r.path)")
            #expect(h.signals.map(\.description) == r.names, "\(r.path)")
        }
    }

    @Test("the er records name two signal files: ECG in NAME.dat, respiration in NAMEr.dat",
          .enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
    func multiFileHeader() throws {
        let h = try WFDBHeader.read(path: try #require(SharedData.path("apnea-ecg/physionet/a01er.hea")).path)
        #expect(h.signals.map(\.fileName) == ["a01.dat", "a01r.dat", "a01r.dat", "a01r.dat", "a01r.dat"])
        #expect(h.signals.map(\.description) == ["ECG", "Resp C", "Resp A", "Resp N", "SpO2"])
    }

    @Test("defaults of the WFDB spec: fs 250, gain 0 → 200, baseline = ADC zero, units mV, 212 → 12 bits")
    func defaults() throws {
        let h = try WFDBHeader.parse("rec 2\nrec.dat 212 0 12 7\nrec.dat 16\n", file: "rec.hea")
        #expect(h.samplingFrequency == 250)
        #expect(h.numberOfSamples == nil)
        #expect(h.signals[0].gain == 200 && h.signals[0].baseline == 7 && h.signals[0].units == "mV")
        #expect(h.signals[0].adcResolution == 12 && h.signals[0].checksum == nil)
        #expect(h.signals[1].gain == 200 && h.signals[1].adcResolution == 16)
        #expect(h.signals[1].description == "record rec, signal 1")
    }

    @Test("full field syntax: counter frequency, base counter, time, date, xspf:skew+offset, gain(baseline)/units")
    func fullSyntax() throws {
        let text = """
        # leading comment
        rec 1 360/720(5) 650000 12:30:00 25/12/2001
        rec.dat 212x2:3+512 100.5(-17)/uV 11 4 -3 1234 0 Lead II (chest)
        #trailing comment
        """
        let h = try WFDBHeader.parse(text, file: "rec.hea")
        #expect(h.samplingFrequency == 360 && h.counterFrequency == 720 && h.baseCounterValue == 5)
        #expect(h.numberOfSamples == 650000 && h.baseTime == "12:30:00" && h.baseDate == "25/12/2001")
        #expect(h.comments == ["leading comment", "trailing comment"])
        let s = h.signals[0]
        #expect(s.format == 212 && s.samplesPerFrame == 2 && s.skew == 3 && s.byteOffset == 512)
        #expect(s.gain == 100.5 && s.baseline == -17 && s.units == "uV")
        #expect(s.adcResolution == 11 && s.adcZero == 4 && s.initialValue == -3 && s.checksum == 1234)
        #expect(s.description == "Lead II (chest)")
    }

    @Test("CRLF line ends (a header edited on Windows) parse like LF")
    func crlf() throws {
        let h = try WFDBHeader.parse("rec 1 100 10\r\nrec.dat 16 200 12 0 0 0 0 ECG\r\n# note\r\n", file: "rec.hea")
        #expect(h.signals.map(\.description) == ["ECG"] && h.comments == ["note"] && h.numberOfSamples == 10)
    }

    @Test("multi-segment header: segment list with null segments")
    func multiSegment() throws {
        let h = try WFDBHeader.parse("multi/3 2 125 600\nlayout 0\nseg1 400\n~ 200\n", file: "multi.hea")
        #expect(h.recordName == "multi")
        #expect(h.segments == [WFDBSegment(name: "layout", numberOfSamples: 0), WFDBSegment(name: "seg1", numberOfSamples: 400),
                               WFDBSegment(name: "~", numberOfSamples: 200)])
        #expect(h.segments?[2].isNull == true)
    }

    @Test("bad headers give errors naming the file and line", arguments: [
        ("", nil),
        ("rec\n", 1),
        ("rec x 100\n", 1),
        ("rec 1 -5\n", 1),
        ("rec 1 100 nan\n", 1),
        ("rec 2 100\nrec.dat 16\n", 1),
        ("rec 1 100\nrec.dat sixteen\n", 2),
        ("rec 1 100\nrec.dat 16 abc\n", 2),
        ("rec 1 100\nrec.dat 16 200(x)/mV\n", 2),
        ("rec 1 100\nrec.dat 16x0\n", 2),
        ("rec 1 100\nrec.dat 16 200 12 0 0 check\n", 2),
        ("rec/3 1 100\nseg 10\n", 1),
        ("rec/1 1 100\nseg -4\n", 2),
    ] as [(String, Int?)])
    func badHeaders(text: String, line: Int?) {
        #expect {
            _ = try WFDBHeader.parse(text, file: "bad.hea")
        } throws: { error in
            guard let e = error as? RecordingError else { return false }
            return e.file == "bad.hea" && e.location == line.map { .line($0) }
        }
    }
}
