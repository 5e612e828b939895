import StimFormats

extension DatasetReader {
    /// Every window's samples (window after window), class probabilities and chunk index, chunk by chunk.
    func allWindows() throws -> (inputs: [Float], targets: [Float], chunks: [Int]) {
        var inputs: [Float] = [], targets: [Float] = [], chunks: [Int] = []
        for index in 0..<chunkCount {
            let chunk = try chunk(at: index)
            inputs += chunk.realSamples(header.sampleEncoding, samplesPerWindow: header.input.samplesPerWindow)
            targets += chunk.probabilities()
            chunks += Array(repeating: index, count: chunk.count)
        }
        return (inputs, targets, chunks)
    }
}
