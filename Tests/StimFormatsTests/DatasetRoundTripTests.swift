import Foundation
import Testing
@testable import StimFormats

@Suite struct DatasetRoundTripTests {
    /// Every sample × label encoding, with counts that fill chunks exactly, partly, or not at all.
    @Test(arguments: SampleEncoding.Kind.allCases, LabelEncoding.allCases)
    func roundTrip(samples: SampleEncoding.Kind, labels: LabelEncoding) throws {
        for (count, chunk) in [(0, 4), (1, 4), (8, 4), (11, 4), (10, 100)] {
            let header = Fixtures.header(samples: samples, labels: labels, chunk: chunk)
            let path = try Fixtures.writeDataset(header, count: count, targets: count % 2 == 1)
            let (realSamples, probabilities) = Fixtures.stimuli(count, header: header)
            let expectedSamples = SampleArray(encoding: header.sampleEncoding, values: realSamples, samplesPerWindow: 60)
            let expectedLabels = LabelArray(encoding: labels, probabilities: probabilities)

            let reader = try DatasetReader(path: path)
            #expect(reader.header == header)
            #expect(reader.stimulusCount == count)
            #expect(reader.chunkCount == (count + chunk - 1) / chunk)
            try reader.verify()
            let chunks = try (0..<reader.chunkCount).map { try reader.chunk(at: $0) }
            let whole = chunks.isEmpty ? nil : StimulusChunk.concatenate(chunks)
            #expect((whole?.samples ?? SampleArray(encoding: header.sampleEncoding, values: [], samplesPerWindow: 60))
                    == expectedSamples)
            #expect((whole?.labels ?? LabelArray(encoding: labels, probabilities: [])) == expectedLabels)
            #expect(whole?.targetClass ?? [] == (count % 2 == 1 ? (0..<count).map { UInt32($0 % 2) } : []))
            #expect(chunks.allSatisfy { $0.count <= chunk })

            let stream = try DatasetStream(path: path)
            var streamed: [StimulusChunk] = []
            while let c = try stream.nextChunk() { streamed.append(c) }
            #expect(streamed == chunks)
            #expect(stream.footer == reader.footer)
            // Argmax class counts, computed here from the probabilities themselves.
            var counts = [0, 0]
            for i in 0..<count { counts[probabilities[2 * i + 1] > probabilities[2 * i] ? 1 : 0] += 1 }
            if labels == .float32 { #expect(reader.footer.classCounts == counts) }
            #expect(reader.footer.classCounts.reduce(0, +) == count)
        }
    }

    @Test func appendOneAtATimeEqualsOneBatch() throws {
        let header = Fixtures.header(chunk: 7)
        let (samples, labels) = Fixtures.stimuli(30, header: header)
        let path = Fixtures.temporaryPath("single.stim")
        let writer = try DatasetWriter(path: path, header: header)
        for i in 0..<30 {
            try writer.append(samples: Array(samples[i * 120..<(i + 1) * 120]), labels: Array(labels[i * 2..<(i + 1) * 2]))
        }
        try writer.finish()
        let batch = try Fixtures.writeDataset(header, count: 30)
        #expect(try Fixtures.bytes(path) == Fixtures.bytes(batch))
    }

    /// The size goal of the issue: within 10% of the raw payload for 2 × 60 int16 samples with soft labels.
    @Test func overheadIsSmall() throws {
        let header = Fixtures.header(samples: .int16, labels: .uint16, chunk: 4096)
        let path = try Fixtures.writeDataset(header, count: 10_000)
        let raw = 10_000 * (2 * 60 * 2 + 2 * 2)
        let size = try Fixtures.bytes(path).count
        #expect(size > raw)
        #expect(Double(size) < Double(raw) * 1.10)
    }

    @Test func unfinishedWriterLeavesNoFile() throws {
        let path = Fixtures.temporaryPath("unfinished.stim")
        do {
            let writer = try DatasetWriter(path: path, header: Fixtures.header())
            let (samples, labels) = Fixtures.stimuli(3, header: writer.header)
            try writer.append(samples: samples, labels: labels)
            #expect(FileManager.default.fileExists(atPath: path + ".partial"))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }

    @Test func streamReadsFromAPipe() throws {
        let path = try Fixtures.writeDataset(Fixtures.header(chunk: 3), count: 10)
        let bytes = try Fixtures.bytes(path)
        let pipe = Pipe()
        let writer = Thread {
            pipe.fileHandleForWriting.write(Data(bytes))
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        let stream = try DatasetStream(fileDescriptor: pipe.fileHandleForReading.fileDescriptor, name: "pipe")
        var count = 0
        while let chunk = try stream.nextChunk() { count += chunk.count }
        #expect(count == 10)
        #expect(stream.footer?.chunks.count == 4)
    }
}

@Suite struct QuantizationTests {
    /// Closed forms of formats/README.md: q = round(x / scale) + zero point, saturating; real = scale × (q − zp).
    @Test func samplesRoundAndSaturate() {
        let enc = SampleEncoding(kind: .int16, scale: [0.5], zeroPoint: [3])
        let q = SampleArray(encoding: enc, values: [1.25, -1.25, 1.24, 1e9, -1e9, 0], samplesPerWindow: 6)
        #expect(q == .int16([6, 0, 5, 32767, -32768, 3]))
        let chunk = StimulusChunk(firstIndex: 0, count: 1, samples: q, labels: .float32([0.5, 0.5]))
        #expect(chunk.realSamples(enc, samplesPerWindow: 6) == [1.5, -1.5, 1.0, 16382, -16385.5, 0])
        let i8 = SampleArray(encoding: SampleEncoding(kind: .int8, scale: [1, 2], zeroPoint: [0, -1]),
                             values: [200, -200, 3, 3], samplesPerWindow: 2)
        #expect(i8 == .int8([127, -128, 1, 1]))  // channel 1: 3 / 2 = 1.5 → 2, + (−1) = 1
    }

    @Test func labelsQuantize() {
        #expect(LabelArray(encoding: .uint8, probabilities: [0.5, 0.5, 1, 0]) == .uint8([128, 128, 255, 0]))
        #expect(LabelArray(encoding: .uint16, probabilities: [0.25, 0.75]) == .uint16([16384, 49151]))
        let chunk = StimulusChunk(firstIndex: 0, count: 1, samples: .float32([0]), labels: .uint16([16384, 49151]))
        #expect(chunk.probabilities() == [Float(16384) / 65535, Float(49151) / 65535])
    }
}
