import StimSignals
import Testing

@Suite("CSV recordings")
struct CSVRecordingTests {
    @Test("header row, time column checked against the rate and dropped, empty cells and NaN as NaN")
    func withHeaderAndTime() throws {
        let text = "time,Resp C, SpO2\n0.0,1.5,97\n0.5,,NaN\n1.0,-2e-1,96\n\n"
        let r = try CSVRecording.parse(text, samplingRate: 2, name: "n", file: "n.csv")
        #expect(r.signals.map(\.name) == ["Resp C", "SpO2"] && r.signals.allSatisfy { $0.samplingRate == 2 })
        #expect(r.signals[0].samples[0] == 1.5 && r.signals[0].samples[1].isNaN && r.signals[0].samples[2] == -0.2)
        #expect(r.signals[1].samples[0] == 97 && r.signals[1].samples[1].isNaN && r.signals[1].samples[2] == 96)
        let one = try CSVRecording.parse(text, samplingRate: 2, name: "n", file: "n.csv", channels: ["spo2"])
        #expect(one.signals.map(\.name) == ["SpO2"])
    }

    @Test("no header: channels are numbered, every column is a channel")
    func noHeader() throws {
        let r = try CSVRecording.parse("1,2\r\n3,4\r\n", samplingRate: 10, name: "n", file: "n.csv")
        #expect(r.signals.map(\.name) == ["channel 1", "channel 2"])
        #expect(r.signals.map(\.samples) == [[1, 3], [2, 4]])
    }

    @Test("errors name file:line", arguments: [
        ("a,b\n1,2\n3\n", 3),
        ("a,b\n1,2\n3,x\n", 3),
        ("t,a\n0,1\n0.7,2\n", 3),
        ("a,b\n1,inf\n", 2),
        ("time\n0\n", 1),
        ("seconds,a\n,1\n", 2),
    ])
    func errors(text: String, line: Int) {
        #expect {
            _ = try CSVRecording.parse(text, samplingRate: 2, name: "n", file: "n.csv")
        } throws: { e in
            guard let e = e as? RecordingError else { return false }
            return e.file == "n.csv" && e.location == .line(line)
        }
    }

    @Test("a rate that is not positive, and an empty file, are errors")
    func badRate() {
        #expect(throws: RecordingError.self) { _ = try CSVRecording.parse("1\n", samplingRate: 0, name: "n", file: "n.csv") }
        #expect(throws: RecordingError.self) { _ = try CSVRecording.parse("1\n", samplingRate: .nan, name: "n", file: "n.csv") }
        #expect(throws: RecordingError.self) { _ = try CSVRecording.parse("\n\n", samplingRate: 1, name: "n", file: "n.csv") }
    }
}
