// libFuzzer target for the stim dataset and model readers and the engine that runs models: whatever the
// bytes, a reader returns a value or a FormatError, and a model either runs or is refused with a LearnError;
// nothing crashes, hangs or allocates by an unchecked length.
//
// Build and run (Linux, from the repository root; README.md, "Fuzzing"):
//   swift build -c release --product StimFuzz --scratch-path .build-fuzz \
//       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
//   .build-fuzz/release/StimFuzz fuzz-corpus -max_total_time=300 -rss_limit_mb=2048
// In an ordinary build (no -DFUZZING) the same target is a reproducer: `StimFuzz FILE...` runs each file
// through the readers and prints what they said.
import StimFormats
import StimKernels
import StimLearn
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = readAll(bytes, name: "fuzz")
    // Random mutations rarely keep a CRC right, so the decoders behind the checksum see few inputs; read a
    // copy whose frame CRCs are recomputed as well.
    _ = readAll(withFrameChecksumsFixed(bytes), name: "fuzz")
    return 0
}

/// The bytes with every frame's CRC-32C recomputed, walking frames from the preamble while they fit.
func withFrameChecksumsFixed(_ input: [UInt8]) -> [UInt8] {
    var bytes = input
    var offset = 12
    while offset + 5 <= bytes.count {
        let length = Int(bytes[offset + 1]) | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]) << 16
            | Int(bytes[offset + 4]) << 24
        let end = offset + 5 + length
        guard end + 4 <= bytes.count else { break }
        let crc = bytes[(offset + 5)..<end].withUnsafeBytes { CRC32C.checksum($0) }
        for i in 0..<4 { bytes[end + i] = UInt8(truncatingIfNeeded: crc >> (8 * i)) }
        offset = end + 4
    }
    return bytes
}

/// Runs the bytes through every reader; returns what each said.
func readAll(_ bytes: [UInt8], name: String) -> [String] {
    var said: [String] = []
    do {
        let reader = try DatasetReader(bytes: bytes, name: name)
        try reader.verify()
        said.append("dataset (random access): \(reader.stimulusCount) stimuli in \(reader.chunkCount) chunks")
    } catch {
        said.append("dataset (random access): \(error)")
    }
    do {
        let stream = try DatasetStream(bytes: bytes, name: name)
        var count = 0
        while let chunk = try stream.nextChunk() { count += chunk.count }
        said.append("dataset (stream): \(count) stimuli")
    } catch {
        said.append("dataset (stream): \(error)")
    }
    do {
        let model = try ModelFile.read(bytes: bytes, name: name)
        said.append("model: \(model.parameterCount) parameters")
        if case .net(let net) = model.body {
            said.append("engine: " + run(net, inputShape: [model.input.channels.count, model.input.samplesPerWindow]))
        }
    } catch {
        said.append("model: \(error)")
    }
    return said
}

/// Builds the network the engine would run and classifies one all-zero window with it.
func run(_ net: NeuralNet, inputShape: [Int]) -> String {
    do {
        if net.inputQuantization == nil {
            let network = try Sequential(neuralNet: net, inputShape: inputShape)
            let outputs = network.predict([Float](repeating: 0, count: network.inputCount))
            return "float32, \(outputs.count) outputs"
        }
        let network = try QuantizedNetwork(neuralNet: net, inputShape: inputShape)
        let zeros = [Float](repeating: 0, count: inputShape.reduce(1, *))
        let result = try zeros.withUnsafeBufferPointer { try network.classify($0) }
        return "int8, class \(result), arena \(network.arenaBytes) bytes"
    } catch {
        return "\(error)"
    }
}

#if FUZZING
// SwiftPM links an executable's entry point as `StimFuzz_main`; hand it to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("StimFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv, fuzzOneInput)
}
#else
@main
struct Reproducer {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let file = fopen(path, "rb") else {
                print("\(path): cannot open")
                continue
            }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = fread(&buffer, 1, buffer.count, file)
                if n <= 0 { break }
                bytes.append(contentsOf: buffer[0..<n])
            }
            fclose(file)
            for line in readAll(bytes, name: path) { print(line) }
        }
    }
}
#endif
