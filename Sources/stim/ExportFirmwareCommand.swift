import ArgumentParser
import Foundation
import StimFirmware
import StimFormats
import StimLearn

struct ExportFirmwareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-firmware",
        abstract: "Convert an int8 network or an SVM student (.stimm) into the flat buffer that firmware scores with.",
        discussion: """
            The buffer is what devices/include/stim.h reads: little-endian, 4-byte aligned records, checksummed \
            (format and C API: devices/README.md). Networks must be on the integer path: train with \
            `stim train --int8`. Linear and RBF SVMs are quantized here (int16 features and weights or support \
            vectors, int64 sums); a linear SVM needs --calibration windows for its feature range.
            """
    )

    @Argument(help: "An int8 network or a linear/RBF SVM student model (.stimm).")
    var model: String

    @Option(help: "SVMs: windows (.stim) whose range the int16 features cover (required for linear SVMs).")
    var calibration: String?

    @Option(help: "Model buffer to write (e.g. model.bin).")
    var out: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let student = try ModelFile.read(path: model)
        let channels = student.input.channels.count
        let bytes: [UInt8]
        switch student.body {
        case .net(let net):
            guard net.inputQuantization != nil else {
                throw CommandError("\(model) is a float32 model: quantize first: stim train --int8")
            }
            bytes = try net.firmwareBuffer(inputShape: [channels, student.input.samplesPerWindow])
        case .svm(let svm):
            let classifier = try SvmClassifier(svm: svm, classes: student.classNames.count)
            let rows = try calibration.map { try DatasetReader(path: $0).allWindows().inputs } ?? []
            if case .linear = classifier.machines, rows.isEmpty {
                throw CommandError("\(model) is a linear SVM: pass --calibration WINDOWS.stim to set its feature range")
            }
            bytes = try classifier.firmwareBuffer(inputChannels: channels, calibration: rows).buffer
        }
        // What firmware will check on load, checked here before the file exists.
        let checked = try bytes.withUnsafeBytes { raw in
            let aligned = UnsafeMutableRawBufferPointer.allocate(byteCount: raw.count, alignment: 16)
            defer { aligned.deallocate() }
            aligned.copyMemory(from: raw)
            return try FirmwareModel(UnsafeRawBufferPointer(aligned))
        }
        try Data(bytes).write(to: URL(fileURLWithPath: out), options: .atomic)
        let report = ExportFirmwareReport(buffer: out, bytes: bytes.count, layers: checked.layerCount, machines: checked.machineCount,
                                          classes: student.classNames, inputChannels: checked.inputChannels,
                                          inputSamples: checked.inputSamples, scratchBytes: checked.scratchBytes)
        if json { try Output.json(report) } else { report.print() }
    }
}

struct ExportFirmwareReport: Encodable {
    var buffer: String
    var bytes: Int
    var layers: Int
    /// SVM machines (0 for a network).
    var machines: Int
    var classes: [String]
    var inputChannels: Int
    var inputSamples: Int
    var scratchBytes: Int

    enum CodingKeys: String, CodingKey {
        case buffer, bytes, layers, machines, classes
        case inputChannels = "input_channels", inputSamples = "input_samples", scratchBytes = "scratch_bytes"
    }

    func print() {
        Output.table([("buffer", "\(buffer) (\(Output.bytes(bytes)))"),
                      machines > 0 ? ("SVM machines", "\(machines)") : ("layers", "\(layers)"),
                      ("classes", classes.joined(separator: ", ")),
                      ("input", "\(inputChannels) × \(inputSamples) float32 samples"),
                      ("scratch", "\(scratchBytes) bytes")])
    }
}
