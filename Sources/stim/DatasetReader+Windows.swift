import StimFormats

extension DatasetReader {
    /// Every window's samples (window after window) and class probabilities, chunk by chunk.
    func allWindows() throws -> (inputs: [Float], targets: [Float]) {
        var inputs: [Float] = [], targets: [Float] = []
        for index in 0..<chunkCount {
            let chunk = try chunk(at: index)
            inputs += chunk.realSamples(header.sampleEncoding, samplesPerWindow: header.input.samplesPerWindow)
            targets += chunk.probabilities()
        }
        return (inputs, targets)
    }
}
