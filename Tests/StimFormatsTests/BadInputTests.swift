import Foundation
import Testing
@testable import StimFormats

/// Every way a dataset can be damaged gives a typed FormatError naming the file, the offset and the problem.
@Suite struct BadInputTests {
    let header = Fixtures.header(chunk: 3)

    func goodBytes(count: Int = 7) throws -> [UInt8] {
        try Fixtures.bytes(try Fixtures.writeDataset(header, count: count))
    }

    /// Reads bytes with both readers (random access + verify, and the stream); returns both errors.
    func errors(_ bytes: [UInt8], name: String = "bad.stim") -> (random: FormatError?, stream: FormatError?) {
        var random: FormatError?
        do {
            let r = try DatasetReader(bytes: bytes, name: name)
            try r.verify()
        } catch { random = error }
        var stream: FormatError?
        do {
            let s = try DatasetStream(bytes: bytes, name: name)
            while try s.nextChunk() != nil {}
        } catch { stream = error }
        return (random, stream)
    }

    @Test func wrongMagic() throws {
        var bytes = try goodBytes()
        bytes[1] = UInt8(ascii: "X")
        let (random, stream) = errors(bytes)
        #expect(random?.kind == .badMagic && random?.offset == 0)
        #expect(stream?.kind == .badMagic)
        #expect(random?.description.hasPrefix("bad.stim: at byte 0: ") == true)
        // A model file is told apart from a dataset.
        let modelPath = Fixtures.temporaryPath("m.stimm")
        try ModelFile.write(ModelFileTests.mlp(), to: modelPath)
        #expect(throws: FormatError.self) { try DatasetReader(path: modelPath) }
        do { _ = try DatasetReader(path: modelPath) } catch {
            #expect(error.kind == .badMagic && error.problem.contains("model"))
        }
    }

    @Test func unknownMajorVersion() throws {
        var bytes = try goodBytes()
        bytes[8] = 2
        let (random, stream) = errors(bytes)
        #expect(random?.kind == .unsupportedVersion && random?.offset == 8)
        #expect(stream?.kind == .unsupportedVersion)
        // Any minor version is accepted (it only adds fields).
        bytes[8] = 1
        bytes[10] = 7
        #expect(try DatasetReader(bytes: bytes).minorVersion == 7)
    }

    /// Cutting the file anywhere is detected by both readers, and never crashes.
    @Test func truncatedAnywhere() throws {
        let bytes = try goodBytes()
        for n in 0..<bytes.count {
            let (random, stream) = errors(Array(bytes[0..<n]))
            #expect(random != nil, "random access accepted a file cut at \(n) of \(bytes.count)")
            #expect(stream != nil, "stream accepted a file cut at \(n) of \(bytes.count)")
        }
    }

    /// A flipped bit anywhere is detected, except in the minor version (which readers accept as any value).
    @Test func flippedBitAnywhere() throws {
        let bytes = try goodBytes()
        for i in 0..<bytes.count where i != 10 && i != 11 {
            for bit in [0, 7] {
                var damaged = bytes
                damaged[i] ^= UInt8(1 << bit)
                let (random, stream) = errors(damaged)
                #expect(random != nil, "random access missed a flip at byte \(i) bit \(bit)")
                #expect(stream != nil, "stream missed a flip at byte \(i) bit \(bit)")
            }
        }
    }

    @Test func payloadFlipIsAChecksumMismatchAtTheFrame() throws {
        var bytes = try goodBytes()
        let chunkOffset = try DatasetReader(bytes: bytes).footer.chunks[1].offset
        bytes[chunkOffset + 20] ^= 0x10
        let (random, stream) = errors(bytes)
        #expect(random?.kind == .checksumMismatch && random?.offset == chunkOffset)
        #expect(stream?.kind == .checksumMismatch && stream?.offset == chunkOffset)
        #expect(random?.problem.contains("CRC-32C mismatch") == true)
    }

    @Test func lengthLargerThanTheFile() throws {
        var bytes = try goodBytes()
        for (i, b) in [0xF0, 0xFF, 0x0F, 0x00].enumerated() { bytes[13 + i] = UInt8(b) }  // header length ≈ 1 MiB
        let (random, stream) = errors(bytes)
        #expect(random?.kind == .tooLarge && random?.offset == 12)
        #expect(stream?.kind == .tooLarge && stream?.offset == 12)
        for i in 0..<4 { bytes[13 + i] = 0xFF }  // 4 GiB: over the header's limit
        #expect(errors(bytes).stream?.problem.contains("limit") == true)
    }

    @Test func absurdCounts() throws {
        // A chunk claiming a billion stimuli in a few bytes is refused before anything is allocated for them.
        var chunk = StimulusChunk(firstIndex: 0, count: 1, samples: .int16(Array(repeating: 0, count: 120)),
                                  labels: .float32([0.5, 0.5]))
        chunk.count = 1_000_000_000
        let bytes = Fixtures.assemble(header: header, chunks: [chunk])
        let (random, stream) = errors(bytes)
        #expect(random?.kind == .tooLarge)
        #expect(stream?.kind == .tooLarge)
        // A footer announcing 2^62 stimuli.
        let good = StimulusChunk(firstIndex: 0, count: 1, samples: .int16(Array(repeating: 0, count: 120)),
                                 labels: .float32([0.5, 0.5]))
        let lying = Fixtures.assemble(header: header, chunks: [good]) { $0.stimulusCount = 1 << 62 }
        #expect(errors(lying).random?.kind == .invalid)
        #expect(errors(lying).stream?.kind == .invalid)
    }

    @Test func nonFiniteSamples() throws {
        let h = Fixtures.header(samples: .float32, chunk: 3)
        var samples = [Float](repeating: 0.5, count: 240)
        samples[130] = .nan
        // The writer refuses them…
        let writer = try DatasetWriter(path: Fixtures.temporaryPath("nan.stim"), header: h)
        #expect { try writer.append(samples: samples, labels: [0.5, 0.5, 0.5, 0.5]) } throws: {
            ($0 as? FormatError)?.kind == .nonFinite && "\($0)".contains("stimulus 1")
        }
        // …and a reader reports a file that holds them.
        let chunk = StimulusChunk(firstIndex: 0, count: 2, samples: .float32(samples), labels: .float32([0.5, 0.5, 0.5, 0.5]))
        let bytes = Fixtures.assemble(header: h, chunks: [chunk])
        let chunkOffset = try DatasetReader(bytes: bytes).footer.chunks[0].offset
        let (random, stream) = errors(bytes)
        #expect(random?.kind == .nonFinite && random?.offset == chunkOffset)
        #expect(stream?.kind == .nonFinite && stream?.problem.contains("stimulus 1") == true)
    }

    @Test func labelsThatDoNotSumToOne() throws {
        let writer = try DatasetWriter(path: Fixtures.temporaryPath("sum.stim"), header: header)
        #expect { try writer.append(samples: Array(repeating: 0, count: 120), labels: [0.5, 0.6]) } throws: {
            ($0 as? FormatError)?.kind == .labelsNotNormalized
        }
        #expect { try writer.append(samples: Array(repeating: 0, count: 120), labels: [1.5, -0.5]) } throws: {
            ($0 as? FormatError)?.kind == .labelsNotNormalized
        }
        let chunk = StimulusChunk(firstIndex: 0, count: 1, samples: .int16(Array(repeating: 0, count: 120)),
                                  labels: .float32([0.7, 0.7]))
        let (random, stream) = errors(Fixtures.assemble(header: header, chunks: [chunk]))
        #expect(random?.kind == .labelsNotNormalized)
        #expect(stream?.kind == .labelsNotNormalized && stream?.problem.contains("sum to 1.4") == true)
    }

    @Test func footerIndexMismatch() throws {
        let a = StimulusChunk(firstIndex: 0, count: 1, samples: .int16(Array(repeating: 1, count: 120)),
                              labels: .float32([0.25, 0.75]))
        let b = StimulusChunk(firstIndex: 1, count: 1, samples: .int16(Array(repeating: 2, count: 120)),
                              labels: .float32([0.25, 0.75]))
        let wrongCRC = Fixtures.assemble(header: header, chunks: [a, b]) { $0.chunks[1].crc32c ^= 1 }
        #expect(errors(wrongCRC).random?.kind == .invalid)
        #expect(errors(wrongCRC).stream?.kind == .invalid)
        let wrongClasses = Fixtures.assemble(header: header, chunks: [a, b]) { $0.classCounts = [2, 0] }
        #expect(errors(wrongClasses).random?.problem.contains("class counts") == true)
        #expect(errors(wrongClasses).stream?.problem.contains("class counts") == true)
        let wrongFirst = Fixtures.assemble(header: header, chunks: [a, StimulusChunk(
            firstIndex: 5, count: 1, samples: b.samples, labels: b.labels)])
        #expect(errors(wrongFirst).random != nil && errors(wrongFirst).stream?.problem.contains("first") == true)
    }

    @Test func invalidHeaders() throws {
        var h = header
        h.classNames = ["only"]
        #expect { try DatasetWriter(path: Fixtures.temporaryPath("h.stim"), header: h) } throws: {
            ($0 as? FormatError)?.problem.contains("at least 2") == true
        }
        h = header
        h.sampleEncoding.scale = [0, 1]
        #expect(throws: FormatError.self) { try DatasetWriter(path: Fixtures.temporaryPath("h.stim"), header: h) }
        h = header
        h.input.channels[0].samplingRate = .nan
        #expect(throws: FormatError.self) { try DatasetWriter(path: Fixtures.temporaryPath("h.stim"), header: h) }
        // A reader reports the same header, crafted into a file, at the header frame's offset.
        let bytes = Fixtures.assemble(header: h, chunks: [])
        #expect(errors(bytes).random?.offset == 12 && errors(bytes).random?.kind == .invalid)
    }

    @Test func missingFileAndUnwritableDirectory() {
        #expect { try DatasetReader(path: "/nonexistent/x.stim") } throws: {
            ($0 as? FormatError)?.kind == .io && "\($0)".contains("/nonexistent/x.stim")
        }
        #expect { try DatasetWriter(path: "/nonexistent/x.stim", header: header) } throws: {
            ($0 as? FormatError)?.kind == .io
        }
    }
}
