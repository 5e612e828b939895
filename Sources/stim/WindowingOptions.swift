import ArgumentParser
import StimExporter
import StimFormats
import StimSignals

/// How recordings become windows: the options `stim windows` and `stim export` share.
struct WindowingOptions: ParsableArguments {
    @Option(help: "Channels to keep, by name, comma-separated.")
    var channels = "Resp C,Resp A"

    @Option(help: "Sampling rate of the windows in Hz (default: the recording's own).")
    var rate: Double?

    @Option(help: "Normalization: running (causal z-score), record (whole-recording z-score) or none.")
    var normalization: NormalizationChoice = .running

    @Option(help: "Running normalization: minutes of history before each window.")
    var history = 5

    @Option(help: "Clamp normalized values to ±this (0: no clamp).")
    var clip: Float = 8

    @Option(help: "Bridge gaps of invalid samples up to this many seconds; longer ones make a minute unusable.")
    var maxGap: Double = 5

    @Option(help: "Sampling rate of CSV recordings in Hz (CSV files do not state one).")
    var csvRate: Double?

    func validate() throws {
        if let rate, !(rate.isFinite && rate > 0) { throw ValidationError("--rate must be a positive number of Hz") }
        guard history >= 0 else { throw ValidationError("--history must be 0 or more minutes") }
        guard clip >= 0, clip.isFinite else { throw ValidationError("--clip must be 0 or a positive number") }
        guard maxGap >= 0 else { throw ValidationError("--max-gap must be 0 or more seconds") }
    }

    var channelNames: [String] {
        channels.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    var windowNormalization: WindowNormalization {
        switch normalization {
        case .running: return WindowNormalization(method: .runningZScore(historyMinutes: history), epsilon: 1e-4, clip: clip)
        case .record: return WindowNormalization(method: .recordZScore, epsilon: 1e-4, clip: clip)
        case .none: return WindowNormalization(method: .none, clip: clip)
        }
    }

    var recordWindows: RecordWindows {
        RecordWindows(windower: Windower(channels: channelNames, rate: rate, normalization: windowNormalization,
                                         maxGapSeconds: maxGap), csvRate: csvRate)
    }

    var normalizationText: String { InputInfo.describe(Normalization(windowNormalization, channels: 0)) }

    /// The input spec of windows like `first`.
    func input(_ first: Window) -> InputSpec {
        InputSpec(windowsOf: first.channels, samplingRate: first.samplingRate, samplesPerWindow: first.samplesPerChannel,
                  normalization: windowNormalization)
    }
}

enum NormalizationChoice: String, ExpressibleByArgument, CaseIterable {
    case running, record, none
}
