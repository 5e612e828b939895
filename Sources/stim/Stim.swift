import ArgumentParser

@main
struct Stim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stim",
        abstract: "Share what a sleep-apnea classifier learned as anonymized stimuli; train students on them anywhere.",
        version: "0.1.0"
    )
}
