import ArgumentParser

@main
struct Stim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stim",
        abstract: "Share what a sleep-apnea classifier learned as anonymized stimuli; train students on them anywhere.",
        discussion: """
            Data owners turn private recordings into a stimuli dataset; end users train small students on it and
            classify a respiration belt's signal. Recordings: WFDB (.hea), EDF/EDF+ (.edf), CSV (.csv) with
            per-minute apnea labels in a WFDB .apn file beside them. Files: formats/README.md.
            """,
        version: "0.1.0",
        subcommands: [SimulateCommand.self, WindowsCommand.self, ExportCommand.self, TrainCommand.self, InspectCommand.self,
                      ExportFirmwareCommand.self, ReportCommand.self]
    )
}
