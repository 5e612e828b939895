import Foundation
@testable import StimSignals
import StimTestSupport
import Testing

@Suite("WFDB annotations")
struct WFDBAnnotationsTests {
    static let physionet = SharedData.path("apnea-ecg/physionet")?.path ?? ""

    /// Record → (length, non-apnea, apnea) minutes from PhysioNet's additional-information.txt.
    static func table() throws -> [String: (length: Int, normal: Int, apnea: Int)] {
        let text = try String(contentsOfFile: physionet + "/additional-information.txt", encoding: .utf8)
        var rows: [String: (Int, Int, Int)] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count >= 4, f[0].count == 3, let l = Int(f[1]), let n = Int(f[2]), let a = Int(f[3]) else { continue }
            rows[f[0]] = (l, n, a)
        }
        return rows
    }

    static func labels(_ record: String) throws -> [MinuteLabel] {
        let header = try WFDBHeader.read(path: physionet + "/\(record).hea")
        let path = physionet + "/\(record).apn"
        return try WFDBAnnotationFile.minuteLabels(try WFDBAnnotationFile.read(path: path),
                                                   samplingRate: header.samplingFrequency, file: path)
    }

    /// The table counts one more non-apnea minute than each .apn labels: its "length" is the .apn's count
    /// plus one, for every record but c07 and c08. Those two list more minutes than the recordings hold
    /// (c07: 454 in the table, 428.2 min of signal; c08: 535 vs 514.0), so their lengths cannot be
    /// annotation counts at all. Apnea minutes agree everywhere. The r and er variants carry their base
    /// record's annotations unchanged.
    @Test("apnea and non-apnea minute counts of every record vs additional-information.txt",
          .enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
    func minuteCountsMatchTable() throws {
        let table = try Self.table()
        let records = try String(contentsOfFile: Self.physionet + "/RECORDS", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(records.count == 35)
        for record in records {
            let row = try #require(table[record])
            let labels = try Self.labels(record)
            let apnea = labels.filter(\.apnea).count, normal = labels.count - apnea
            #expect(apnea == row.apnea, "\(record)")
            #expect(labels.map(\.minute) == Array(0..<labels.count), "\(record): one label per minute from minute 0")
            if record == "c07" || record == "c08" {
                let header = try WFDBHeader.read(path: Self.physionet + "/\(record).hea")
                let minutes = Double(try #require(header.numberOfSamples)) / (60 * header.samplingFrequency)
                #expect(Double(row.length) > minutes + 20, "\(record): the table's length exceeds the recording")
                #expect(Double(labels.count) <= minutes.rounded(.up), "\(record): labels lie within the recording")
            } else {
                #expect(labels.count + 1 == row.length, "\(record)")
                #expect(normal + 1 == row.normal, "\(record)")
            }
            for variant in [record + "r", record + "er"] where FileManager.default.fileExists(atPath: Self.physionet + "/\(variant).apn") {
                #expect(try Self.labels(variant) == labels, "\(variant) vs \(record)")
            }
        }
    }

    struct Reference: Decodable {
        var path: String, samples: [Int], symbols: [String], subtypes: [Int], channels: [Int], numbers: [Int], aux: [String]
    }

    static func rdann(_ paths: [String]) throws -> [Reference] {
        let script = """
        import json, sys, wfdb
        out = []
        for p in sys.argv[1:]:
            base, ext = p.rsplit('.', 1)
            a = wfdb.rdann(base, ext)
            out.append(dict(path=p, samples=[int(s) for s in a.sample], symbols=list(a.symbol),
                subtypes=[int(s) for s in a.subtype], channels=[int(c) for c in a.chan],
                numbers=[int(n) for n in a.num], aux=list(a.aux_note)))
        print(json.dumps(out))
        """
        return try JSONDecoder().decode([Reference].self, from: Data(try PythonEnvironment.run(["-c", script] + paths).utf8))
    }

    static func check(_ ours: [WFDBAnnotation], against r: Reference) {
        #expect(ours.map(\.sample) == r.samples, "\(r.path)")
        #expect(ours.map(\.mnemonic) == r.symbols, "\(r.path)")
        #expect(ours.map(\.subtype) == r.subtypes, "\(r.path)")
        #expect(ours.map(\.channel) == r.channels, "\(r.path)")
        #expect(ours.map(\.number) == r.numbers, "\(r.path)")
        #expect(ours.map { String(decoding: $0.aux ?? [], as: UTF8.self) } == r.aux, "\(r.path)")
    }

    @Test("every .apn and .qrs decodes as wfdb.rdann decodes it",
          .enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"),
          .enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
    func realFilesMatchWfdb() throws {
        var paths = try FileManager.default.contentsOfDirectory(atPath: Self.physionet)
            .filter { $0.hasSuffix(".apn") || $0.hasSuffix(".qrs") }.sorted().map { Self.physionet + "/" + $0 }
        paths += (try? FileManager.default.contentsOfDirectory(atPath: SharedData.path("apnea-ecg/resp-1hz")!.path))?
            .filter { $0.hasSuffix(".apn") }.sorted().map { SharedData.path("apnea-ecg/resp-1hz")!.path + "/" + $0 } ?? []
        #expect(paths.count == 51 + 43 + 8)
        for r in try Self.rdann(paths) { Self.check(try WFDBAnnotationFile.read(path: r.path), against: r) }
    }

    @Test("RR intervals from every .qrs give a median heart rate of 40–120 bpm",
          .enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
    func heartRates() throws {
        let qrs = try FileManager.default.contentsOfDirectory(atPath: Self.physionet).filter { $0.hasSuffix(".qrs") }
        #expect(qrs.count == 43)
        for name in qrs {
            let record = String(name.dropLast(4))
            let fs = try WFDBHeader.read(path: Self.physionet + "/\(record).hea").samplingFrequency
            let beats = WFDBAnnotationFile.beatSamples(try WFDBAnnotationFile.read(path: Self.physionet + "/" + name))
            #expect(beats.count > 20_000, "\(name): a night has tens of thousands of beats")
            let rates = zip(beats.dropFirst(), beats).map { 60 * fs / Double($0 - $1) }.sorted()
            let median = rates[rates.count / 2]
            #expect((40...120).contains(median), "\(name): median heart rate \(median) bpm")
        }
    }

    /// Words written out by hand from the MIT format description (little-endian, code << 10 | low 10 bits).
    @Test("hand-assembled words: SKIP, NUM, SUB, CHN, AUX with padding, carried-over fields, EOF")
    func handDecoded() throws {
        func w(_ code: Int, _ low: Int) -> [UInt8] { [UInt8(low & 0xFF), UInt8(code << 2 | (low >> 8))] }
        var bytes: [UInt8] = []
        bytes += w(1, 5)                                  // N at 5
        bytes += w(59, 0) + [0x01, 0x00, 0x40, 0x0E]      // SKIP 0x0001_0E40 = 69184
        bytes += w(8, 10)                                 // A at 5 + 69184 + 10 = 69199
        bytes += w(60, 7) + w(62, 3) + w(61, 2)           // … with NUM 7, CHN 3, SUB 2
        bytes += w(28, 1000)                              // + at 70199: num 7 and chan 3 carried, subtype not
        bytes += w(63, 3) + Array("abc".utf8) + [0]       // … with AUX "abc", padded
        bytes += w(5, 0)                                  // V at 70199
        bytes += w(60, 0x3FF)                             // … with NUM -1 (10-bit two's complement)
        bytes += w(0, 0)
        let a = try WFDBAnnotationFile.decode(bytes, file: "hand.atr")
        #expect(a == [
            WFDBAnnotation(sample: 5, code: 1),
            WFDBAnnotation(sample: 69199, code: 8, subtype: 2, channel: 3, number: 7),
            WFDBAnnotation(sample: 70199, code: 28, channel: 3, number: 7, aux: Array("abc".utf8)),
            WFDBAnnotation(sample: 70199, code: 5, channel: 3, number: -1),
        ])
        #expect(a.map(\.mnemonic) == ["N", "A", "+", "V"])
        #expect(throws: RecordingError.self) { _ = try WFDBAnnotationFile.decode(w(60, 1) + w(1, 1) + w(0, 0), file: "x") }
        #expect(try WFDBAnnotationFile.decode(try WFDBAnnotationFile.encode(a, file: "x"), file: "x") == a)
    }

    @Test("the writer's files read back in wfdb.rdann identically (SKIP for long gaps, all modifier words)",
          .enabled(if: PythonEnvironment.unavailableReason == nil, "\(PythonEnvironment.unavailableReason ?? "")"))
    func writerMatchesWfdb() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let annotations = [
            WFDBAnnotation(sample: 0, code: 1),
            WFDBAnnotation(sample: 1023, code: 5, subtype: 4),
            WFDBAnnotation(sample: 1024, code: 8, channel: 2, number: 9),
            WFDBAnnotation(sample: 5_000_000, code: 28, channel: 2, number: -3, aux: Array("(AFIB".utf8)),
            WFDBAnnotation(sample: 5_000_000, code: 1, number: 0, aux: Array("ab".utf8)),
        ]
        try WFDBAnnotationFile.write(annotations, to: dir.file("t.atr"))
        let reference = try #require(try Self.rdann([dir.file("t.atr")]).first)
        Self.check(try WFDBAnnotationFile.read(path: dir.file("t.atr")), against: reference)
        #expect(reference.samples == annotations.map(\.sample))
        #expect(reference.symbols == ["N", "V", "A", "+", "N"])
    }

    @Test(".apn written from minute labels reads back as the same labels, at 1 Hz and 100 Hz", arguments: [1.0, 100.0])
    func apnRoundTrip(rate: Double) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let labels = (0..<500).map { MinuteLabel(minute: $0 < 300 ? $0 : $0 + 40, apnea: $0 % 7 < 3) }
        try WFDBAnnotationFile.write(WFDBAnnotationFile.annotations(for: labels, samplingRate: rate), to: dir.file("r.apn"))
        let back = try WFDBAnnotationFile.minuteLabels(try WFDBAnnotationFile.read(path: dir.file("r.apn")),
                                                       samplingRate: rate, file: "r.apn")
        #expect(back == labels)
    }

    @Test("every truncation of a real .apn and .qrs is an error naming the file and an offset, never a crash",
          .enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
    func truncated() throws {
        for name in ["a01.apn", "b01.qrs"] {
            let bytes = try RecordingFile.bytes(at: Self.physionet + "/" + name)
            for cut in Set(Array(0..<40) + Array(stride(from: 0, to: bytes.count - 1, by: 997)) + [bytes.count - 2, bytes.count - 1]) {
                #expect {
                    _ = try WFDBAnnotationFile.decode(Array(bytes[..<cut]), file: name)
                } throws: { e in
                    guard let e = e as? RecordingError, case .offset(let at)? = e.location else { return false }
                    return e.file == name && at <= cut
                }
            }
        }
    }

    @Test("labels that are not N/A, or label a minute twice, are errors")
    func badLabels() {
        #expect(throws: RecordingError.self) {
            _ = try WFDBAnnotationFile.minuteLabels([WFDBAnnotation(sample: 0, code: 5)], samplingRate: 1, file: "x.apn")
        }
        #expect(throws: RecordingError.self) {
            _ = try WFDBAnnotationFile.minuteLabels([WFDBAnnotation(sample: 0, code: 1), WFDBAnnotation(sample: 30, code: 8)],
                                                    samplingRate: 1, file: "x.apn")
        }
    }
}
