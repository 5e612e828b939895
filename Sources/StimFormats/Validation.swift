/// The checks of formats/README.md ("Checks a reader makes") on decoded messages. Writers run the same checks on
/// what they are about to write, so whatever stim writes, stim (and any conforming reader) reads.
extension DatasetHeader {
    func validate(_ context: DecodeContext) throws(FormatError) {
        let channels = input.channels.count
        guard channels >= 1 else { throw context.error(.invalid, "the input has no channel") }
        guard input.samplesPerWindow >= 1 else { throw context.error(.invalid, "samples_per_window is 0") }
        guard channels <= Container.maxChannelSamples,
              channels * input.samplesPerWindow <= Container.maxChannelSamples else {
            throw context.error(.tooLarge, "\(channels) channels × \(input.samplesPerWindow) samples per window exceed "
                + "2^24 values")
        }
        for channel in input.channels where !(channel.samplingRate.isFinite && channel.samplingRate > 0) {
            throw context.error(.invalid, "channel '\(channel.name)' has the sampling rate \(channel.samplingRate) Hz")
        }
        guard classNames.count >= 2 else {
            throw context.error(.invalid, "\(classNames.count) class names: a classifier needs at least 2")
        }
        guard classNames.count <= Container.maxClasses else {
            throw context.error(.tooLarge, "\(classNames.count) classes exceed the limit of \(Container.maxClasses)")
        }
        if sampleEncoding.kind != .float32 {
            guard sampleEncoding.scale.count == channels, sampleEncoding.zeroPoint.count == channels else {
                throw context.error(.invalid, "\(sampleEncoding.kind) samples need one scale and one zero point per "
                    + "channel (\(channels)); found \(sampleEncoding.scale.count) and \(sampleEncoding.zeroPoint.count)")
            }
            for s in sampleEncoding.scale where !(s.isFinite && s != 0) {
                throw context.error(.invalid, "sample scale \(s) is not a finite non-zero number")
            }
        }
        if input.normalization.method == .fixedAffine {
            guard input.normalization.offset.count == channels, input.normalization.scale.count == channels else {
                throw context.error(.invalid, "fixed-affine normalization needs one offset and one scale per channel")
            }
        }
        guard maxChunkStimuli >= 1, maxChunkStimuli <= Container.maxChunkStimuli else {
            throw context.error(.invalid, "max_chunk_stimuli \(maxChunkStimuli) is outside 1...\(Container.maxChunkStimuli)")
        }
    }
}

extension StimulusChunk {
    /// Check 4 for a chunk whose array sizes already match `header` (the decoder checks those).
    func validate(header: DatasetHeader, firstIndex expected: Int, _ context: DecodeContext) throws(FormatError) {
        guard firstIndex == expected else {
            throw context.error(.invalid, "first_index is \(firstIndex), but \(expected) stimuli come before it")
        }
        let classes = header.classNames.count
        if !targetClass.isEmpty {
            guard targetClass.count == count else {
                throw context.error(.invalid, "\(targetClass.count) target classes for \(count) stimuli")
            }
            if let bad = targetClass.firstIndex(where: { Int($0) >= classes }) {
                throw context.error(.invalid, "stimulus \(firstIndex + bad): target class \(targetClass[bad]) ≥ \(classes) classes")
            }
        }
        if case .float32(let values) = samples, let bad = values.firstIndex(where: { !$0.isFinite }) {
            let perStimulus = header.input.valuesPerWindow
            throw context.error(.nonFinite, "stimulus \(firstIndex + bad / perStimulus): sample \(bad % perStimulus) is "
                + "\(values[bad])")
        }
        let p = probabilities()
        let tolerance = header.labelEncoding.sumTolerance(classes: classes)
        for i in 0..<count {
            var sum: Float = 0
            for k in 0..<classes {
                let v = p[i * classes + k]
                guard v.isFinite else {
                    throw context.error(.nonFinite, "stimulus \(firstIndex + i): label \(k) is \(v)")
                }
                guard v >= 0, v <= 1 else {
                    throw context.error(.labelsNotNormalized, "stimulus \(firstIndex + i): probability \(v) of class \(k) "
                        + "is outside [0, 1]")
                }
                sum += v
            }
            guard abs(sum - 1) <= tolerance else {
                throw context.error(.labelsNotNormalized, "stimulus \(firstIndex + i): probabilities sum to \(sum), not 1 "
                    + "(tolerance \(tolerance))")
            }
        }
    }

    /// For each stimulus, the class with the largest stored probability (the first on ties).
    func argmaxClasses(classes: Int) -> [Int] {
        func argmax<T: Comparable>(_ v: [T]) -> [Int] {
            (0..<v.count / classes).map { i in
                var best = 0
                for k in 1..<classes where v[i * classes + k] > v[i * classes + best] { best = k }
                return best
            }
        }
        switch labels {
        case .float32(let v): return argmax(v)
        case .uint16(let v): return argmax(v)
        case .uint8(let v): return argmax(v)
        }
    }
}
