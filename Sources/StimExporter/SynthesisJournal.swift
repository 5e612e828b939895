import Foundation
import StimFormats
import StimKernels
import StimLearn

/// Stop and resume for a synthesis run, beside the dataset being made:
///
/// * `DATASET.journal`: every accepted stimulus, appended and synced to disk as it is accepted, so neither Ctrl-C nor
///   kill -9 loses one (a record is [length, CRC-32C, target class, values, soft label]; a torn last record is dropped);
/// * `DATASET.checkpoint`: the synthesizer's state at an accepted stimulus (attempt log, generator weights, Adam
///   state), replaced atomically every `checkpointInterval`.
///
/// Both start with a fingerprint of the settings and networks; a resume goes on from the checkpoint with the
/// journal's stimuli up to it. Stimuli journaled after the checkpoint are made again, identically, since every
/// attempt depends only on the seed and the state before it.
public final class SynthesisJournal {
    public let journalPath: String
    public let checkpointPath: String
    public let fingerprint: [UInt8]
    let exampleShape: [Int]
    let classes: Int
    private var handle: FileHandle?
    private static let journalSuffix = ".journal", checkpointSuffix = ".checkpoint"
    private static let journalMagic = Array("STIMJRN1".utf8)
    private static let checkpointMagic = Array("STIMCKP1".utf8)

    public init(datasetPath: String, fingerprint: [UInt8], exampleShape: [Int], classes: Int) {
        journalPath = datasetPath + Self.journalSuffix
        checkpointPath = datasetPath + Self.checkpointSuffix
        self.fingerprint = fingerprint
        self.exampleShape = exampleShape
        self.classes = classes
    }

    deinit { try? handle?.close() }

    /// The checkpoint and the stimuli up to it when both files are there and belong to this run (the journal cut
    /// back to those stimuli), nil when there is nothing to resume (a fresh journal is started).
    public func open() throws -> (checkpoint: SynthesisCheckpoint, stimuli: StimulusSet)? {
        let manager = FileManager.default
        var resumed: (SynthesisCheckpoint, StimulusSet)?
        var keep = 0
        if manager.fileExists(atPath: journalPath) {
            let journal = try read(journalPath, magic: Self.journalMagic)
            if manager.fileExists(atPath: checkpointPath) {
                let checkpoint = try readCheckpoint(try read(checkpointPath, magic: Self.checkpointMagic))
                let (stimuli, ends) = try readStimuli(journal)
                let needed = checkpoint.log.acceptedCount
                guard stimuli.count >= needed else {
                    throw ExportError.journal("\(journalPath) holds \(stimuli.count) stimuli, its checkpoint needs \(needed)")
                }
                keep = needed == 0 ? 0 : ends[needed - 1]
                resumed = (checkpoint, StimulusSet(exampleShape: exampleShape, classes: classes,
                                                   inputs: Array(stimuli.inputs.prefix(needed * stimuli.exampleSize)),
                                                   softLabels: Array(stimuli.softLabels.prefix(needed * classes)),
                                                   targetClasses: Array(stimuli.targetClasses.prefix(needed))))
            }
        }
        if resumed == nil {
            try? manager.removeItem(atPath: checkpointPath)
            guard manager.createFile(atPath: journalPath, contents: Data(Self.journalMagic + fingerprint)) else {
                throw ExportError.journal("cannot create \(journalPath)")
            }
        }
        guard let handle = FileHandle(forUpdatingAtPath: journalPath) else {
            throw ExportError.journal("cannot open \(journalPath) for appending")
        }
        try handle.truncate(atOffset: UInt64(resumed == nil ? Self.journalMagic.count + fingerprint.count
                                                 : Self.journalMagic.count + fingerprint.count + keep))
        try handle.seekToEnd()
        try handle.synchronize()
        self.handle = handle
        return resumed
    }

    /// Appends stimulus `index` of `stimuli` and syncs it to disk.
    public func append(_ index: Int, of stimuli: StimulusSet) throws {
        guard let handle else { throw ExportError.journal("append before open()") }
        let size = stimuli.exampleSize
        var record = ByteSink()
        record.put(stimuli.targetClasses[index])
        for v in stimuli.inputs[(index * size)..<((index + 1) * size)] { record.put(v) }
        for v in stimuli.softLabels[(index * classes)..<((index + 1) * classes)] { record.put(v) }
        var framed = ByteSink()
        framed.put(record.bytes.count)
        framed.put(UInt64(CRC32C.checksum(record.bytes)))
        try handle.write(contentsOf: framed.bytes + record.bytes)
        try handle.synchronize()
    }

    /// Replaces the checkpoint atomically (written, synced, then renamed over the old one).
    public func save(_ checkpoint: SynthesisCheckpoint) throws {
        var sink = ByteSink()
        sink.put(checkpoint.log.attempts.count)
        for a in checkpoint.log.attempts {
            sink.put(a.targetClass)
            sink.put(a.threshold)
            sink.put(a.steps)
            sink.put(a.accepted ? 1 : 0)
            sink.put(a.confidence)
            sink.put(a.kl == nil ? 0 : 1)
            sink.put(a.kl ?? 0)
        }
        sink.put(checkpoint.generator.count)
        for p in checkpoint.generator { sink.put(p) }
        let adam = checkpoint.optimizer
        sink.put(adam.steps)
        sink.put(adam.beta1Power)
        sink.put(adam.beta2Power)
        sink.put(adam.firstMoment.count)
        for (m, v) in zip(adam.firstMoment, adam.secondMoment) {
            sink.put(m)
            sink.put(v)
        }
        let output = try FileOutput(path: checkpointPath)
        try output.write(Self.checkpointMagic + fingerprint)
        try output.write(sink.bytes)
        var crc = ByteSink()
        crc.put(UInt64(CRC32C.checksum(sink.bytes)))
        try output.write(crc.bytes)
        try output.commit()
    }

    /// Deletes both files (to start over).
    public func remove() throws {
        try handle?.close()
        handle = nil
        try Self.remove(datasetPath: String(journalPath.dropLast(Self.journalSuffix.count)))
    }

    /// Deletes the journal and checkpoint of the dataset at `datasetPath`, once it is written.
    public static func remove(datasetPath: String) throws {
        for path in [datasetPath + journalSuffix, datasetPath + checkpointSuffix]
        where FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
        }
    }

    /// The file's bytes after its magic and fingerprint, which must be this run's.
    private func read(_ path: String, magic: [UInt8]) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ExportError.journal("cannot read \(path)") }
        let bytes = [UInt8](data)
        let head = magic.count + fingerprint.count
        guard bytes.count >= head, Array(bytes[..<magic.count]) == magic else {
            throw ExportError.journal("\(path) is not a stim synthesis journal")
        }
        guard Array(bytes[magic.count..<head]) == fingerprint else {
            throw ExportError.journal("\(path) was written with other settings, recordings or seed: remove it (or "
                                      + "export with --restart) to start over")
        }
        return Array(bytes[head...])
    }

    /// The journal's whole records, and the byte offset after each; a damaged or torn tail is ignored.
    private func readStimuli(_ bytes: [UInt8]) throws -> (StimulusSet, [Int]) {
        var set = StimulusSet(exampleShape: exampleShape, classes: classes)
        var ends: [Int] = []
        var source = ByteSource(bytes, what: journalPath)
        let recordBytes = 8 + 4 * (set.exampleSize + classes)
        while bytes.count - source.offset >= 16 + recordBytes {
            guard let length = try? source.int(), length == recordBytes,
                  let crc = try? source.uint64() else { break }
            let record = Array(bytes[source.offset..<(source.offset + length)])
            guard UInt64(CRC32C.checksum(record)) == crc else { break }
            var fields = ByteSource(record, what: journalPath)
            set.targetClasses.append(try fields.int(in: 0...(classes - 1)))
            for _ in 0..<set.exampleSize { set.inputs.append(try fields.float()) }
            for _ in 0..<classes { set.softLabels.append(try fields.float()) }
            source.offset += length
            ends.append(source.offset)
        }
        return (set, ends)
    }

    private func readCheckpoint(_ bytes: [UInt8]) throws -> SynthesisCheckpoint {
        guard bytes.count >= 8 else { throw ExportError.journal("\(checkpointPath) is truncated") }
        let body = Array(bytes[..<(bytes.count - 8)])
        var tail = ByteSource(Array(bytes[(bytes.count - 8)...]), what: checkpointPath)
        guard UInt64(CRC32C.checksum(body)) == (try tail.uint64()) else {
            throw ExportError.journal("\(checkpointPath) is damaged (checksum)")
        }
        var source = ByteSource(body, what: checkpointPath)
        var log = SynthesisLog()
        for _ in 0..<(try source.int()) {
            let targetClass = try source.int(in: 0...(classes - 1)), threshold = try source.float()
            let steps = try source.int(), accepted = try source.int(in: 0...1) == 1, confidence = try source.float()
            let hasKL = try source.int(in: 0...1) == 1, kl = try source.float()
            log.attempts.append(SynthesisLog.Attempt(targetClass: targetClass, threshold: threshold, steps: steps,
                                                     accepted: accepted, confidence: confidence, kl: hasKL ? kl : nil))
        }
        var generator: [[Float]] = []
        for _ in 0..<(try source.int()) { generator.append(try source.floats()) }
        let steps = try source.int(), beta1Power = try source.float(), beta2Power = try source.float()
        var first: [[Float]] = [], second: [[Float]] = []
        for _ in 0..<(try source.int()) {
            first.append(try source.floats())
            second.append(try source.floats())
        }
        guard source.atEnd else { throw ExportError.journal("\(checkpointPath) has bytes after its checkpoint") }
        return SynthesisCheckpoint(log: log, generator: generator,
                                   optimizer: Adam.State(steps: steps, beta1Power: beta1Power, beta2Power: beta2Power,
                                                         firstMoment: first, secondMoment: second))
    }
}
