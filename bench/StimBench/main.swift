// StimBench: the Swift side of the formats benchmark (bench/formats/compare.py runs it; see bench/README.md),
// and with `learn` first the training-step benchmark of StimLearn (Learn.swift).
// Writes the given arrays as a stim dataset with DatasetWriter, reads them back with the random-access and the
// streaming DatasetReader, checks once that the stored values came back exactly, and prints the timings as JSON.
import Foundation
import StimFormats

struct Options {
    var samples = "", labels = "", dataset = "", labelEncoding = "float32"
    var count = 0, channels = 2, samplesPerWindow = 60, classes = 2, repeats = 7

    init(_ arguments: [String]) throws {
        _ = try parseOptions(arguments[...]) { name, value in
            switch name {
            case "--samples": samples = value
            case "--labels": labels = value
            case "--dataset": dataset = value
            case "--label-encoding": labelEncoding = value
            case "--count": count = try Self.number(name, value)
            case "--channels": channels = try Self.number(name, value)
            case "--samples-per-window": samplesPerWindow = try Self.number(name, value)
            case "--classes": classes = try Self.number(name, value)
            case "--repeats": repeats = try Self.number(name, value)
            default: throw BenchError("unknown option \(name)")
            }
        }
        guard !samples.isEmpty, !labels.isEmpty, !dataset.isEmpty, count > 0, repeats > 0,
              ["float32", "uint16"].contains(labelEncoding)
        else { throw BenchError("usage: StimBench --samples F --labels F --label-encoding float32|uint16 "
                                + "--count N --dataset F [--channels 2 --samples-per-window 60 --classes 2 --repeats 7]") }
    }

    static func number(_ name: String, _ value: String) throws -> Int {
        guard let n = Int(value), n >= 0 else { throw BenchError("\(name) wants a count, not \(value)") }
        return n
    }
}

/// Walks `--name value` pairs, handing each to `option`, and the bare `flags`; returns the flags given. A name
/// without a value is an error (with `usage` after it, when given).
func parseOptions(_ arguments: ArraySlice<String>, flags: Set<String> = [], usage: String? = nil,
                  _ option: (_ name: String, _ value: String) throws -> Void) throws -> Set<String> {
    var rest = arguments, given: Set<String> = []
    while let name = rest.popFirst() {
        if flags.contains(name) {
            given.insert(name)
            continue
        }
        guard let value = rest.popFirst() else { throw BenchError("\(name) needs a value" + (usage.map { "; \($0)" } ?? "")) }
        try option(name, value)
    }
    return given
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A raw little-endian array file of exactly `count` values.
func load<T: FixedWidthInteger>(_ path: String, count: Int, as _: T.Type) throws -> [T] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard data.count == count * MemoryLayout<T>.size else {
        throw BenchError("\(path) is \(data.count) bytes, expected \(count) values of \(MemoryLayout<T>.size)")
    }
    return data.withUnsafeBytes { raw in (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) } }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// The file's stored arrays, concatenated over chunks; compared once with the input, outside the timings.
struct Stored: Equatable {
    var samples: [Int16] = []
    var labels: LabelArray
}

/// Every chunk through the random-access reader (footer index, then chunk by chunk), as the student's loader does.
func readRandomAccess(_ path: String) throws -> [StimulusChunk] {
    let reader = try DatasetReader(path: path)
    return try (0..<reader.chunkCount).map { try reader.chunk(at: $0) }
}

/// Every chunk through the streaming reader, front to back, footer and trailer checked at the end.
func readStreaming(_ path: String) throws -> [StimulusChunk] {
    let stream = try DatasetStream(path: path)
    var chunks: [StimulusChunk] = []
    while let chunk = try stream.nextChunk() { chunks.append(chunk) }
    return chunks
}

func concatenated(_ chunks: [StimulusChunk], float32Labels: Bool) throws -> Stored {
    var stored = Stored(labels: float32Labels ? .float32([]) : .uint16([]))
    var floats: [Float] = [], quantized: [UInt16] = []
    for chunk in chunks {
        guard case .int16(let samples) = chunk.samples else { throw BenchError("samples are not int16") }
        stored.samples += samples
        switch chunk.labels {
        case .float32(let p): floats += p
        case .uint16(let q): quantized += q
        case .uint8: throw BenchError("labels are uint8")
        }
    }
    stored.labels = float32Labels ? .float32(floats) : .uint16(quantized)
    return stored
}

func run(_ options: Options) throws -> String {
    let values = options.count * options.channels * options.samplesPerWindow
    let samples = try load(options.samples, count: values, as: Int16.self)
    let labelCount = options.count * options.classes
    let float32Labels = options.labelEncoding == "float32"
    let labels: LabelArray = float32Labels
        ? .float32(try load(options.labels, count: labelCount, as: UInt32.self).map { Float(bitPattern: $0) })
        : .uint16(try load(options.labels, count: labelCount, as: UInt16.self))
    let channels = (0..<options.channels).map {
        Channel(name: "Resp \($0)", unit: "mV", samplingRate: Double(options.samplesPerWindow) / 60)
    }
    let header = DatasetHeader(
        task: "apnea", classNames: (0..<options.classes).map { "class \($0)" },
        input: InputSpec(channels: channels, samplesPerWindow: options.samplesPerWindow),
        sampleEncoding: SampleEncoding(kind: .int16, scale: Array(repeating: 1.0 / 4096, count: options.channels),
                                       zeroPoint: Array(repeating: 0, count: options.channels)),
        labelEncoding: float32Labels ? .float32 : .uint16)

    // Stored values in, as numpy's savez gets them: the benchmark measures the container, not quantization.
    var writes: [Double] = []
    for _ in 0..<options.repeats {
        writes.append(try seconds {
            let writer = try DatasetWriter(path: options.dataset, header: header)
            try writer.append(.int16(samples), labels: labels)
            _ = try writer.finish()
        })
    }
    let expected = Stored(samples: samples, labels: labels)
    for read in [readRandomAccess, readStreaming] {
        guard try concatenated(read(options.dataset), float32Labels: float32Labels) == expected else {
            throw BenchError("\(options.dataset) did not read back the values written")
        }
    }
    var randomReads: [Double] = [], streamReads: [Double] = []
    for _ in 0..<options.repeats {
        randomReads.append(try seconds { _ = try readRandomAccess(options.dataset) })
        streamReads.append(try seconds { _ = try readStreaming(options.dataset) })
    }
    let size = try DatasetReader(path: options.dataset).size
    func list(_ x: [Double]) -> String { "[" + x.map { "\($0)" }.joined(separator: ", ") + "]" }
    return """
        {"file_bytes": \(size), "write_seconds": \(list(writes)), \
        "read_random_seconds": \(list(randomReads)), "read_stream_seconds": \(list(streamReads))}
        """
}

do {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "learn" {
        try runLearn(LearnOptions(arguments.dropFirst()))
    } else if arguments.first == "matmul" { try runMatMul(MatMulOptions(arguments.dropFirst()))
    } else if arguments.first == "svm" { try runSvm(SvmBenchOptions(arguments.dropFirst()))
    } else if arguments.first == "export" { try runExport(ExportBenchOptions(arguments.dropFirst()))
    } else if arguments.first == "export-utility" { try runExportUtility(ExportUtilityOptions(arguments.dropFirst()))
    } else {
        print(try run(Options(arguments)))
    }
} catch {
    FileHandle.standardError.write(Data("StimBench: \(error)\n".utf8))
    exit(1)
}
