import ArgumentParser
import Foundation
import StimFirmware
import StimFormats
import StimLearn

struct ExportFirmwareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-firmware",
        abstract: "Convert an int8 student model (.stimm) into the flat buffer that firmware scores with.",
        discussion: """
            The buffer is what devices/include/stim.h reads: little-endian, 4-byte aligned records, checksummed \
            (format and C API: devices/README.md). Only models on the integer path can be exported: train with \
            `stim train --int8`.
            """
    )

    @Argument(help: "An int8 student model (.stimm).")
    var model: String

    @Option(help: "Model buffer to write (e.g. model.bin).")
    var out: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let student = try ModelFile.read(path: model)
        guard case .net(let net) = student.body else {
            throw ExportFirmwareError("\(model) is an SVM: the firmware buffer holds quantized neural networks only (for now)")
        }
        guard net.inputQuantization != nil else {
            throw ExportFirmwareError("\(model) is a float32 model: quantize first: stim train --int8")
        }
        let bytes = try net.firmwareBuffer(inputShape: [student.input.channels.count, student.input.samplesPerWindow])
        // What firmware will check on load, checked here before the file exists.
        let checked = try bytes.withUnsafeBytes { raw in
            let aligned = UnsafeMutableRawBufferPointer.allocate(byteCount: raw.count, alignment: 16)
            defer { aligned.deallocate() }
            aligned.copyMemory(from: raw)
            return try FirmwareModel(UnsafeRawBufferPointer(aligned))
        }
        try Data(bytes).write(to: URL(fileURLWithPath: out), options: .atomic)
        let report = ExportFirmwareReport(buffer: out, bytes: bytes.count, layers: checked.layerCount,
                                          classes: student.classNames, inputChannels: checked.inputChannels,
                                          inputSamples: checked.inputSamples, scratchBytes: checked.scratchBytes)
        if json { try Output.json(report) } else { report.print() }
    }
}

struct ExportFirmwareError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct ExportFirmwareReport: Encodable {
    var buffer: String
    var bytes: Int
    var layers: Int
    var classes: [String]
    var inputChannels: Int
    var inputSamples: Int
    var scratchBytes: Int

    enum CodingKeys: String, CodingKey {
        case buffer, bytes, layers, classes
        case inputChannels = "input_channels", inputSamples = "input_samples", scratchBytes = "scratch_bytes"
    }

    func print() {
        Output.table([("buffer", "\(buffer) (\(Output.bytes(bytes)))"), ("layers", "\(layers)"),
                      ("classes", classes.joined(separator: ", ")),
                      ("input", "\(inputChannels) × \(inputSamples) float32 samples"),
                      ("scratch", "\(scratchBytes) bytes")])
    }
}
