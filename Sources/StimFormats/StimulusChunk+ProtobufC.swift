import CStimProto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Arrays are stored little-endian and copied as memory: every device stim targets is little-endian.
#if _endian(big)
#error("stim's wire format code assumes a little-endian host")
#endif

extension StimulusChunk {
    /// The chunk frame's payload. The arrays are packed straight from Swift memory, without an extra copy.
    func encoded() -> [UInt8] {
        var m = Stim__V1__StimulusChunk()
        stim__v1__stimulus_chunk__init(&m)
        m.first_index = UInt64(firstIndex)
        m.count = UInt32(count)
        return samples.withRawBytes { s in
            labels.withRawBytes { l in
                targetClass.withUnsafeBufferPointer { t in
                    m.samples = ProtobufCBinaryData(len: s.count, data: mutableBytes(s))
                    m.labels = ProtobufCBinaryData(len: l.count, data: mutableBytes(l))
                    m.n_target_class = t.count
                    m.target_class = UnsafeMutablePointer(mutating: t.baseAddress)
                    return withUnsafePointer(to: &m) {
                        packed($0, size: stim__v1__stimulus_chunk__get_packed_size, pack: stim__v1__stimulus_chunk__pack)
                    }
                }
            }
        }
    }

    /// Decodes a chunk payload. Array lengths are checked against `header` before anything is copied out.
    init(decoding payload: [UInt8], header: DatasetHeader, _ context: DecodeContext) throws(FormatError) {
        self = try unpacked(payload, unpack: { stim__v1__stimulus_chunk__unpack(nil, $0, $1) },
                            free: { stim__v1__stimulus_chunk__free_unpacked($0, nil) },
                            failure: { context.error(.undecodable, "payload is not a StimulusChunk message") }) {
            m throws(FormatError) in
            let count = Int(m.pointee.count)
            guard count >= 1, count <= header.maxChunkStimuli else {
                throw context.error(.tooLarge, "count \(count) is outside 1...\(header.maxChunkStimuli) (max_chunk_stimuli)")
            }
            let values = count * header.input.valuesPerWindow
            let sampleBytes = values * header.sampleEncoding.kind.byteWidth
            guard m.pointee.samples.len == sampleBytes else {
                throw context.error(.invalid, "samples hold \(m.pointee.samples.len) bytes, \(count) stimuli of "
                    + "\(header.input.channels.count) × \(header.input.samplesPerWindow) "
                    + "\(header.sampleEncoding.kind) values need \(sampleBytes)")
            }
            let labelValues = count * header.classNames.count
            let labelBytes = labelValues * header.labelEncoding.byteWidth
            guard m.pointee.labels.len == labelBytes else {
                throw context.error(.invalid, "labels hold \(m.pointee.labels.len) bytes, \(count) stimuli of "
                    + "\(header.classNames.count) \(header.labelEncoding) probabilities need \(labelBytes)")
            }
            let samples: SampleArray
            switch header.sampleEncoding.kind {
            case .float32: samples = .float32(copied(m.pointee.samples, count: values))
            case .int16: samples = .int16(copied(m.pointee.samples, count: values))
            case .int8: samples = .int8(copied(m.pointee.samples, count: values))
            }
            let labels: LabelArray
            switch header.labelEncoding {
            case .float32: labels = .float32(copied(m.pointee.labels, count: labelValues))
            case .uint16: labels = .uint16(copied(m.pointee.labels, count: labelValues))
            case .uint8: labels = .uint8(copied(m.pointee.labels, count: labelValues))
            }
            return StimulusChunk(firstIndex: Int(m.pointee.first_index), count: count, samples: samples, labels: labels,
                                 targetClass: swiftArray(m.pointee.target_class, m.pointee.n_target_class))
        }
    }
}

private func mutableBytes(_ raw: UnsafeRawBufferPointer) -> UnsafeMutablePointer<UInt8>? {
    raw.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self)) }
}

/// `count` little-endian values copied out of a bytes field whose length the caller has checked.
private func copied<T>(_ data: ProtobufCBinaryData, count: Int) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        if count > 0 { memcpy(buffer.baseAddress!, data.data, count * MemoryLayout<T>.stride) }
        initialized = count
    }
}

extension SampleArray {
    func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch self {
        case .float32(let v): return v.withUnsafeBytes(body)
        case .int16(let v): return v.withUnsafeBytes(body)
        case .int8(let v): return v.withUnsafeBytes(body)
        }
    }
}

extension LabelArray {
    func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch self {
        case .float32(let v): return v.withUnsafeBytes(body)
        case .uint16(let v): return v.withUnsafeBytes(body)
        case .uint8(let v): return v.withUnsafeBytes(body)
        }
    }
}

extension DatasetFooter {
    func encoded() -> [UInt8] {
        let arena = CArena()
        let m: UnsafeMutablePointer<Stim__V1__DatasetFooter> = arena.message(stim__v1__dataset_footer__init)
        m.pointee.stimulus_count = UInt64(stimulusCount)
        m.pointee.n_chunk = chunks.count
        m.pointee.chunk = arena.messages(chunks.map { entry in
            let e: UnsafeMutablePointer<Stim__V1__ChunkEntry> = arena.message(stim__v1__chunk_entry__init)
            e.pointee.offset = UInt64(entry.offset)
            e.pointee.length = UInt32(entry.length)
            e.pointee.count = UInt32(entry.count)
            e.pointee.crc32c = entry.crc32c
            e.pointee.first_index = UInt64(entry.firstIndex)
            return e
        })
        m.pointee.n_class_count = classCounts.count
        m.pointee.class_count = arena.array(classCounts.map { UInt64($0) })
        m.pointee.header_crc32c = headerCRC32C
        return packed(m, size: stim__v1__dataset_footer__get_packed_size, pack: stim__v1__dataset_footer__pack)
    }

    init(decoding payload: [UInt8], _ context: DecodeContext) throws(FormatError) {
        self = try unpacked(payload, unpack: { stim__v1__dataset_footer__unpack(nil, $0, $1) },
                            free: { stim__v1__dataset_footer__free_unpacked($0, nil) },
                            failure: { context.error(.undecodable, "payload is not a DatasetFooter message") }) {
            m throws(FormatError) in
            // Counts beyond Int would need an exabyte file: clamp them so the checks that follow reject them.
            func int(_ v: UInt64) -> Int { Int(clamping: v) }
            let chunks = try swiftMessages(m.pointee.chunk, m.pointee.n_chunk) { e throws(FormatError) in
                ChunkEntry(offset: int(e.pointee.offset), length: Int(e.pointee.length), count: Int(e.pointee.count),
                           crc32c: e.pointee.crc32c, firstIndex: int(e.pointee.first_index))
            }
            return DatasetFooter(stimulusCount: int(m.pointee.stimulus_count), chunks: chunks,
                                 classCounts: swiftArray(m.pointee.class_count, m.pointee.n_class_count).map(int),
                                 headerCRC32C: m.pointee.header_crc32c)
        }
    }
}
