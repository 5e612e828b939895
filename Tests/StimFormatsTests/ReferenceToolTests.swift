import Foundation
import StimTestSupport
import Testing
@testable import StimFormats

/// What stim writes decodes with the reference tools (protoc, Python's protobuf), and what an independent Python
/// implementation of the container writes, stim reads to the same values.
@Suite struct ReferenceToolTests {
    static let root = SharedData.repositoryRoot
    static let hasProtoc = (try? Subprocess.run("protoc", ["--version"])) != nil
    static let hasProtocC = (try? Subprocess.run("protoc-c", ["--version"])) != nil
    static let stimformat = root.appendingPathComponent("formats/python/stimformat.py").path

    @Test(.enabled(if: hasProtocC && hasProtoc, "protoc-c or protoc is missing: run scripts/setup"))
    func generatedCodeIsCurrent() throws {
        let out = try Subprocess.run(Self.root.appendingPathComponent("formats/generate.sh").path, ["--check"])
        #expect(out.contains("is current"))
    }

    func protocDecode(_ message: String, _ payload: [UInt8]) throws -> String {
        try Subprocess.run("protoc", ["--decode=stim.v1.\(message)", "-I", "formats", "formats/stimuli.proto"],
                           input: Data(payload), currentDirectory: Self.root)
    }

    @Test(.enabled(if: hasProtoc, "protoc is missing: run scripts/setup"))
    func protocDecodesHeaderAndChunk() throws {
        let header = Fixtures.header(samples: .int16, labels: .uint16, chunk: 2)
        let path = try Fixtures.writeDataset(header, count: 3, targets: true)
        let bytes = try Fixtures.bytes(path)
        let input = MemoryInput(bytes, name: path)
        let headerFrame = try Frame.read(input, at: 12, end: nil)
        let text = try protocDecode("DatasetHeader", headerFrame.payload)
        for line in ["task: \"apnea\"", "class_names: \"normal\"", "class_names: \"apnea\"", "channels: 2",
                     "samples_per_window: 60", "name: \"Resp A\"", "method: RUNNING_ZSCORE", "history_minutes: 5",
                     "type: INT16", "type: UINT16", "max_chunk_stimuli: 2", "producer: \"stim tests\"", "seed: 42",
                     "target: MARGINAL", "identities: 7", "evaluation: \"leave-one-record-out, 8 records\""] {
            #expect(text.contains(line), "protoc's header text lacks \(line):\n\(text)")
        }
        let chunkFrame = try Frame.read(input, at: headerFrame.end, end: nil)
        let chunkText = try protocDecode("StimulusChunk", chunkFrame.payload)
        #expect(chunkText.contains("count: 2"))
        #expect(chunkText.contains("target_class: 0") && chunkText.contains("target_class: 1"))
        #expect(!chunkText.contains("first_index"))  // proto3 omits the default 0
        let second = try protocDecode("StimulusChunk", try Frame.read(input, at: chunkFrame.end, end: nil).payload)
        #expect(second.contains("first_index: 2") && second.contains("count: 1"))
    }

    /// Python's reading of a file, as the stored values stim's readers give.
    struct Dump: Decodable {
        var kind: String
        var count: Int?
        var samples: [[Double]]?
        var labels: [[Double]]?
        var target_class: [Int]?
    }

    func stored(_ path: String) throws -> (samples: [[Double]], labels: [[Double]], targets: [Int]) {
        let reader = try DatasetReader(path: path)
        var samples: [[Double]] = [], labels: [[Double]] = [], targets: [Int] = []
        let v = reader.header.input.valuesPerWindow, k = reader.header.classNames.count
        for i in 0..<reader.chunkCount {
            let chunk = try reader.chunk(at: i)
            let s: [Double], l: [Double]
            switch chunk.samples {
            case .float32(let x): s = x.map(Double.init)
            case .int16(let x): s = x.map(Double.init)
            case .int8(let x): s = x.map(Double.init)
            }
            switch chunk.labels {
            case .float32(let x): l = x.map(Double.init)
            case .uint16(let x): l = x.map(Double.init)
            case .uint8(let x): l = x.map(Double.init)
            }
            for j in 0..<chunk.count {
                samples.append(Array(s[j * v..<(j + 1) * v]))
                labels.append(Array(l[j * k..<(j + 1) * k]))
            }
            targets += chunk.targetClass.map { Int($0) }
        }
        return (samples, labels, targets)
    }

    static let pythonReady = PythonEnvironment.unavailableReason == nil
        && FileManager.default.fileExists(atPath: stimformat)

    @Test(.enabled(if: pythonReady, "the Python cross-check needs .venv (scripts/setup) and formats/python/stimformat.py"),
          arguments: [(SampleEncoding.Kind.int16, LabelEncoding.float32), (.float32, .uint16), (.int8, .uint8)])
    func pythonReadsSwift(samples: SampleEncoding.Kind, labels: LabelEncoding) throws {
        let path = try Fixtures.writeDataset(Fixtures.header(samples: samples, labels: labels, chunk: 5), count: 12,
                                             targets: true)
        let dump = try JSONDecoder().decode(Dump.self, from: Data(try PythonEnvironment.run([Self.stimformat, "dump", path]).utf8))
        let swift = try stored(path)
        #expect(dump.kind == "dataset" && dump.count == 12)
        #expect(dump.samples == swift.samples)
        #expect(dump.labels == swift.labels)
        #expect(dump.target_class == swift.targets)
    }

    @Test(.enabled(if: pythonReady, "the Python cross-check needs .venv (scripts/setup) and formats/python/stimformat.py"),
          arguments: [("int16", "float32"), ("float32", "uint16"), ("int8", "uint8")])
    func swiftReadsPython(samples: String, labels: String) throws {
        let path = Fixtures.temporaryPath("python.stim")
        let written = try JSONDecoder().decode(Dump.self, from: Data(try PythonEnvironment.run([
            Self.stimformat, "write-sample", path, "--count", "23", "--seed", "5", "--sample-encoding", samples,
            "--label-encoding", labels, "--chunk", "6", "--classes", "3"]).utf8))
        let swift = try stored(path)
        #expect(swift.samples.count == 23)
        #expect(swift.samples == written.samples)
        #expect(swift.labels == written.labels)
        #expect(swift.targets == written.target_class)
        let stream = try DatasetStream(path: path)
        while try stream.nextChunk() != nil {}
        #expect(stream.footer?.stimulusCount == 23)
    }

    @Test(.enabled(if: pythonReady, "the Python cross-check needs .venv (scripts/setup) and formats/python/stimformat.py"))
    func pythonReadsModels() throws {
        let path = Fixtures.temporaryPath("m.stimm")
        try ModelFile.write(ModelFileTests.svm(), to: path)
        let out = try PythonEnvironment.run([Self.stimformat, "dump", path])
        let json = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let model = json?["model"] as? [String: Any]
        #expect(json?["kind"] as? String == "model")
        #expect(model?["class_names"] as? [String] == ["normal", "apnea"])
        let svm = model?["svm"] as? [String: Any]
        #expect((svm?["kernel"] as? [String: Any])?["type"] as? String == "RBF")
        #expect(svm?["bias"] as? [Double] == [0.125])
        #expect(svm?["support_per_class"] as? [Int] == [1, 2])
    }

    @Test(.enabled(if: pythonReady, "the Python cross-check needs .venv (scripts/setup) and formats/python/stimformat.py"))
    func pythonRejectsWhatSwiftRejects() throws {
        var bytes = try Fixtures.bytes(try Fixtures.writeDataset(Fixtures.header(chunk: 3), count: 7))
        let offset = try DatasetReader(bytes: bytes).footer.chunks[1].offset
        bytes[offset + 30] ^= 1
        let path = Fixtures.temporaryPath("damaged.stim")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try Subprocess.capture(PythonEnvironment.python.path, [Self.stimformat, "dump", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains(path) && result.stderr.contains("\(offset)"))
    }
}
