import ArgumentParser
import Foundation
import StimSignals

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write simulated belt nights (chest, abdomen, SpO2) with per-minute apnea labels.",
        discussion: """
            Each simulated person has breathing traits and an apnea severity drawn from --seed; their night \
            holds obstructive and central apneas and hypopneas with their textbook physiology, position changes \
            and movement artifacts. Files: NAME.hea + NAME.dat (WFDB) or NAME.edf (EDF+, labels also as \
            annotations), and NAME.apn (per-minute labels, WFDB annotations) for each person.
            The simulator makes the demo and tests run without data. Its nights are plausible, not real: \
            accuracy claims come from real recordings, never from it.
            """
    )

    @Option(help: "Folder for the records (created when missing).")
    var out: String

    @Option(help: "Number of persons, one night each.")
    var persons = 4

    @Option(help: "Hours per night.")
    var hours: Double = 8

    @Option(help: "Sampling rate in Hz.")
    var rate: Double = 10

    @Option(help: "Seed of the population: the same seed gives the same persons and nights.")
    var seed: UInt64 = 1

    @Option(help: "File format: wfdb or edf.")
    var format: RecordFormat = .wfdb

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    enum RecordFormat: String, ExpressibleByArgument, CaseIterable { case wfdb, edf }

    func validate() throws {
        guard persons >= 1, persons <= 999 else { throw ValidationError("--persons must be 1 to 999") }
        guard hours.isFinite, hours > 0, hours <= 48 else { throw ValidationError("--hours must be more than 0 and at most 48") }
        guard rate.isFinite, rate > 0 else { throw ValidationError("--rate must be a positive number of Hz") }
    }

    struct Night: Encodable {
        var record: String
        var files: [String]
        var minutes: Int
        var apneaMinutes: Int
        var eventsPerHour: Double
        var events: [String: Int]
        enum CodingKeys: String, CodingKey {
            case record, files, minutes, events
            case apneaMinutes = "apnea_minutes", eventsPerHour = "events_per_hour"
        }
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let minutes = Int((hours * 60).rounded())
        var nights: [Night] = []
        for index in 0..<persons {
            let person = SimulatedPerson.draw(seed: seed, index: index)
            var night = try BeltSimulator.night(for: person, minutes: minutes, samplingRate: rate)
            let name = night.recording.name
            let apn = "\(out)/\(name).apn"
            var files: [String]
            switch format {
            case .wfdb:
                try WFDBWriter.write(night.recording, to: out, format: 16)
                files = ["\(out)/\(name).hea", "\(out)/\(name).dat"]
            case .edf:
                night.recording.annotations = MinuteLabel.annotations(for: night.labels)
                try EDFWriter.write(night.recording, to: "\(out)/\(name).edf")
                files = ["\(out)/\(name).edf"]
            }
            try WFDBAnnotationFile.write(WFDBAnnotationFile.annotations(for: night.labels, samplingRate: rate), to: apn)
            files.append(apn)
            let events = Dictionary(grouping: night.events, by: \.kind.rawValue).mapValues(\.count)
            nights.append(Night(record: name, files: files, minutes: night.labels.count,
                                apneaMinutes: night.labels.filter(\.apnea).count,
                                eventsPerHour: Double(night.events.count) / (Double(minutes) / 60), events: events))
            if !json {
                Output.status("\(name): \(night.labels.filter(\.apnea).count) of \(night.labels.count) minutes apnea "
                    + String(format: "(%.1f events/h)", nights.last!.eventsPerHour))
            }
        }
        if json {
            try Output.json(nights)
        } else {
            print("wrote \(persons) simulated night\(persons == 1 ? "" : "s") (\(format.rawValue), "
                + String(format: "%g Hz, %g h", rate, hours) + ") to \(out)")
        }
    }
}
