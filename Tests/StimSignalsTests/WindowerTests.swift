import Foundation
import StimTestSupport
import Testing
@testable import StimSignals

@Suite struct WindowerTests {
    /// A two-channel recording of `minutes` minutes at `rate` Hz: sines of different amplitude per minute.
    func recording(minutes: Int, rate: Double = 4) -> Recording {
        let n = Int(Double(minutes) * 60 * rate)
        let chest = (0..<n).map { i in Float(sin(Double(i) / rate * 2 * .pi / 4) * (1 + Double(i / Int(60 * rate) % 3))) }
        let abdomen = (0..<n).map { i in Float(cos(Double(i) / rate * 2 * .pi / 5) * 0.5 + 0.2) }
        return Recording(name: "r", signals: [Signal(name: "Resp C", unit: "mV", samplingRate: rate, samples: chest),
                                              Signal(name: "Resp A", unit: "mV", samplingRate: rate, samples: abdomen)])
    }

    func labels(_ minutes: Range<Int>) -> [MinuteLabel] { minutes.map { MinuteLabel(minute: $0, apnea: $0 % 3 == 0) } }

    @Test func countsLabelsAndReasons() throws {
        var rec = recording(minutes: 10)
        rec.signals[0].samples.replaceSubrange(240..<260, with: repeatElement(.nan, count: 20))  // minute 1: 5 s gap
        rec.signals[1].samples.replaceSubrange(480..<520, with: repeatElement(.nan, count: 40))  // minute 2: 10 s gap
        for i in 720..<960 { rec.signals[1].samples[i] = 0.3 }                                  // minute 3: flat
        let (windows, summary) = try Windower(channels: ["resp c", " Resp A "], normalization: .init(method: .none))
            .windows(of: rec, labels: labels(0..<12), file: "r.hea")
        #expect(summary.labelled == 12)
        #expect(summary.skipped == [.outsideRecording: 2, .invalidSamples: 1, .flatLine: 1])
        #expect(windows.map(\.minute) == [0, 1, 4, 5, 6, 7, 8, 9])
        #expect(summary.windows == 8 && summary.apnea == windows.filter { $0.apnea == true }.count)
        #expect(windows.allSatisfy { $0.samples.count == 2 * 240 && $0.channels == ["Resp C", "Resp A"] })
        // Minute 1's 5-second gap is bridged by a straight line between its neighbours.
        let w1 = windows[1].samples
        let before = rec.signals[0].samples[239], after = rec.signals[0].samples[260]
        #expect(abs(w1[10] - (before + (after - before) * 11 / 21)) < 1e-6)
        // Unnormalized windows are the recording's samples, channel-major.
        #expect(Array(windows[2].samples[0..<240]) == Array(rec.signals[0].samples[960..<1200]))
        #expect(Array(windows[2].samples[240...]) == Array(rec.signals[1].samples[960..<1200]))
    }

    /// A flat channel is found on the recorded samples, also when resampling (25.6 → 1 Hz, 5/128) would turn the
    /// constant into filter ripple.
    @Test func flatLineThroughResampling() throws {
        let rate = 25.6, n = Int(10 * 60 * rate)
        var chest = (0..<n).map { Float(sin(Double($0) / rate * 2 * .pi / 4)) }
        for i in Int(3 * 60 * rate)..<Int(4 * 60 * rate) { chest[i] = 0.25 }
        let rec = Recording(name: "f", signals: [Signal(name: "Resp C", unit: "", samplingRate: rate, samples: chest)])
        let (windows, summary) = try Windower(channels: ["Resp C"], rate: 1, normalization: .init(method: .none))
            .windows(of: rec, labels: labels(0..<10), file: "f")
        #expect(summary.skipped == [.flatLine: 1])
        #expect(!windows.map(\.minute).contains(3) && windows.count == 9)
    }

    @Test func missingChannelNamesTheOnesThereAre() {
        let rec = recording(minutes: 2)
        #expect { try Windower(channels: ["SpO2"]).windows(of: rec, labels: [], file: "r.hea") } throws: {
            "\($0)".contains("no channel named 'SpO2'") && "\($0)".contains("'Resp C', 'Resp A'")
        }
    }

    /// RUNNING_ZSCORE against its definition, computed directly: each window scaled by the mean and population
    /// standard deviation of itself and the `history` minutes before it (all minutes, labelled or not).
    @Test(arguments: [0, 1, 5])
    func runningZScoreMatchesDefinition(history: Int) throws {
        let rec = recording(minutes: 9)
        let (windows, _) = try Windower(channels: ["Resp C", "Resp A"],
                                        normalization: .init(method: .runningZScore(historyMinutes: history), epsilon: 1e-4))
            .windows(of: rec, labels: labels(2..<9), file: "r")
        for w in windows {
            for (c, signal) in rec.signals.enumerated() {
                let from = max(0, w.minute - history) * 240, to = (w.minute + 1) * 240
                let span = signal.samples[from..<to].map(Double.init)
                let mean = span.reduce(0, +) / Double(span.count)
                let std = (span.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(span.count)).squareRoot()
                for t in [0, 17, 239] {
                    let expected = (Double(signal.samples[w.minute * 240 + t]) - mean) / std
                    #expect(abs(Double(w.samples[c * 240 + t]) - expected) < 1e-4, "minute \(w.minute) channel \(c)")
                }
            }
        }
    }

    /// One implementation, two uses: a daemon feeding minutes one by one gets bit-identical windows.
    @Test func streamingReplayIsBitIdentical() throws {
        let rec = recording(minutes: 12)
        let normalization = WindowNormalization(method: .runningZScore(historyMinutes: 3), epsilon: 1e-4, clip: 2.5)
        let (windows, _) = try Windower(channels: ["Resp C", "Resp A"], normalization: normalization)
            .windows(of: rec, labels: labels(0..<12), file: "r")
        var live = RunningNormalizer(channels: 2, historyMinutes: 3, epsilon: 1e-4, clip: 2.5)
        for m in 0..<12 {
            var minute = Array(rec.signals[0].samples[(m * 240)..<((m + 1) * 240)])
                + Array(rec.signals[1].samples[(m * 240)..<((m + 1) * 240)])
            live.normalize(&minute, samplesPerChannel: 240)
            #expect(minute == windows[m].samples)
            #expect(minute.allSatisfy { abs($0) <= 2.5 })
        }
    }

    @Test func recordZScoreAndFixedAffine() throws {
        let rec = recording(minutes: 4)
        let (z, _) = try Windower(channels: ["Resp A"], normalization: .init(method: .recordZScore))
            .windows(of: rec, labels: labels(0..<4), file: "r")
        let all = z.flatMap(\.samples).map(Double.init)
        let mean = all.reduce(0, +) / Double(all.count)
        let variance = all.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(all.count)
        #expect(abs(mean) < 1e-5 && abs(variance - 1) < 1e-4)
        let (a, _) = try Windower(channels: ["Resp A"], normalization: .init(method: .fixedAffine(offset: [0.2], scale: [2])))
            .windows(of: rec, labels: labels(0..<1), file: "r")
        #expect(a[0].samples[5] == (rec.signals[1].samples[5] - 0.2) * 2)
    }

    /// The figure: the eight 1 Hz belt records give 3,951 labelled windows, 1,609 of them apnea.
    @Test(.enabled(if: SharedData.directory != nil, "\(SharedData.absentMessage)"))
    func respirationRecords() throws {
        let folder = try #require(SharedData.path("apnea-ecg/resp-1hz"))
        var total = WindowSummary(record: "all")
        for record in ["a01r", "a02r", "a03r", "a04r", "b01r", "c01r", "c02r", "c03r"] {
            let path = folder.appendingPathComponent("\(record).hea").path
            let loaded = try RecordingLoader.load(path: path, channels: ["Resp C", "Resp A"])
            let (windows, summary) = try Windower(channels: ["Resp C", "Resp A"], rate: 1)
                .windows(of: loaded.recording, labels: loaded.labels, file: path)
            #expect(windows.allSatisfy { $0.samples.count == 120 && $0.samples.allSatisfy { $0.isFinite } })
            total = WindowSummary.total([total, summary])
        }
        #expect(total.windows == 3951)
        #expect(total.apnea == 1609)
        // The four labelled minutes that are not windows are each record's last, cut short by the recording's end.
        #expect(total.labelled == 3955 && total.skipped == [.outsideRecording: 4])
    }
}

@Suite struct ResamplerTests {
    @Test func ratios() {
        #expect(Resampler(from: 100, to: 1).map { [$0.up, $0.down] } == [1, 100])
        #expect(Resampler(from: 25.6, to: 1).map { [$0.up, $0.down] } == [5, 128])
        #expect(Resampler(from: 1, to: 10).map { [$0.up, $0.down] } == [10, 1])
        #expect(Resampler(from: 1, to: Double.pi) == nil)
        #expect(Resampler(from: 0, to: 1) == nil)
    }

    /// Closed forms: a sine well below the new Nyquist rate keeps its amplitude; one above it is removed.
    @Test func passesAndStops() throws {
        let rate = 100.0
        func sine(_ f: Double) -> [Float] { (0..<20_000).map { Float(sin(2 * .pi * f * Double($0) / rate)) } }
        let r = try #require(Resampler(from: rate, to: 5))
        let low = r.resample(sine(0.5)), high = r.resample(sine(4))
        #expect(low.count == 1000)
        let mid = low[100..<900], stop = high[100..<900]
        // RMS over whole periods: a unit sine's is 1/√2 whatever the sampling grid.
        let rms = (mid.map { Double($0) * Double($0) }.reduce(0, +) / Double(mid.count)).squareRoot()
        #expect(abs(rms - 0.5.squareRoot()) < 0.005)
        #expect((stop.map(abs).max() ?? 1) < 0.01)
    }

    /// scipy.signal.resample_poly with its default filter is the reference.
    @Test(.enabled(if: PythonEnvironment.unavailableReason == nil, "needs .venv with scipy (scripts/setup)"),
          arguments: [(100.0, 1.0), (25.6, 1.0), (1.0, 10.0), (10.0, 4.0)])
    func matchesScipy(from: Double, to: Double) throws {
        let x: [Float] = (0..<997).map { i in
            let t = Double(i)
            let value: Double = sin(t * 0.37) + 0.3 * cos(t * 1.9) + Double(i % 7) * 0.1
            return Float(value)
        }
        let r = try #require(Resampler(from: from, to: to))
        let script = """
            import sys, json, numpy as np
            from scipy.signal import resample_poly
            x = np.array(json.load(sys.stdin), dtype=np.float64)
            print(json.dumps(resample_poly(x, \(r.up), \(r.down)).tolist()))
            """
        let out = try PythonEnvironment.run(["-c", script], input: Data(try JSONEncoder().encode(x)))
        let expected = try JSONDecoder().decode([Double].self, from: Data(out.utf8))
        let got = r.resample(x)
        #expect(got.count == expected.count)
        // Same filter and alignment in double precision; only the final rounding to Float differs.
        for (g, e) in zip(got, expected) { #expect(abs(Double(g) - e) < 1e-5 * max(1, abs(e))) }
    }

    @Test func gapsAreBridgedOrKept() {
        let x: [Float] = [.nan, 1, 2, .nan, .nan, 5, .nan, .nan, .nan, .nan, 10, .nan]
        let y = fillingShortGaps(x, maxGap: 3)
        #expect(Array(y[0..<6]) == [1, 1, 2, 3, 4, 5])
        #expect(y[6...9].allSatisfy { $0.isNaN })
        #expect(y[10] == 10 && y[11] == 10)
    }
}
