import StimSignals
import StimTestSupport
import Testing
@testable import StimExporter

/// The Apnea-ECG respiration records at 1 Hz (Resp C + Resp A) as labelled windows, one person per record,
/// normalized as `stim windows` does by default (causal z-score over the window and the 5 minutes before it).
enum BeltWindows {
    static let records = ["a01r", "a02r", "a03r", "a04r", "b01r", "c01r", "c02r", "c03r"]
    /// The fixed record split of the report's checks: a half-apnea and a nearly apnea-free night held out.
    static let heldOut: Set<String> = ["a03r", "b01r"]

    static func load() throws -> LabelledWindows {
        let folder = try #require(SharedData.path("apnea-ecg/resp-1hz"))
        var inputs: [Float] = [], labels: [Int] = [], persons: [Int] = []
        for (person, record) in records.enumerated() {
            let path = folder.appendingPathComponent("\(record).hea").path
            let loaded = try RecordingLoader.load(path: path, channels: ["Resp C", "Resp A"])
            let (windows, _) = try Windower(channels: ["Resp C", "Resp A"], rate: 1)
                .windows(of: loaded.recording, labels: loaded.labels, file: path)
            inputs += windows.flatMap(\.samples)
            labels += windows.map { $0.apnea == true ? 1 : 0 }
            persons += [Int](repeating: person, count: windows.count)
        }
        return try LabelledWindows(exampleShape: [2, 60], classNames: ["normal", "apnea"], inputs: inputs, labels: labels,
                                   persons: persons, personNames: records)
    }

    /// (training records' windows, held-out records' windows).
    static func split(_ windows: LabelledWindows) -> (LabelledWindows, LabelledWindows) {
        let held = Set(records.indices.filter { heldOut.contains(records[$0]) })
        return (windows.of(persons: Set(records.indices).subtracting(held)), windows.of(persons: held))
    }
}
