import ArgumentParser
import Foundation
import StimFormats

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a stimuli dataset's or a student model's header and counts.",
        discussion: """
            Datasets are checked as formats/README.md says: every chunk's CRC-32C, sizes, finite values and \
            probabilities summing to 1 (use --quick to read only the header and the footer's index).
            """
    )

    @Argument(help: "A stimuli dataset (.stim) or a student model (.stimm).")
    var file: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: "Datasets: read only the header and the chunk index, not every chunk.")
    var quick = false

    func run() throws {
        switch try StimFileKind.of(path: file) {
        case .dataset:
            let reader = try DatasetReader(path: file)
            if !quick { try reader.verify() }
            let info = DatasetInfo(reader, verified: !quick)
            if json { try Output.json(info) } else { info.print() }
        case .model:
            let model = try ModelFile.read(path: file)
            let info = ModelInfo(model, file: file)
            if json { try Output.json(info) } else { info.print() }
        }
    }
}
