/// Frame type 3 of a stimuli dataset: counts and the index of chunk frames (random access, integrity).
public struct DatasetFooter: Sendable, Equatable {
    public var stimulusCount: Int
    public var chunks: [ChunkEntry]
    /// Stimuli whose label argmax is each class.
    public var classCounts: [Int]
    public var headerCRC32C: UInt32

    public init(stimulusCount: Int, chunks: [ChunkEntry], classCounts: [Int], headerCRC32C: UInt32) {
        self.stimulusCount = stimulusCount
        self.chunks = chunks
        self.classCounts = classCounts
        self.headerCRC32C = headerCRC32C
    }
}

/// Where one chunk frame is, and what it must hold.
public struct ChunkEntry: Sendable, Equatable {
    /// File offset of the frame's type byte.
    public var offset: Int
    /// Payload length.
    public var length: Int
    public var count: Int
    public var crc32c: UInt32
    public var firstIndex: Int

    public init(offset: Int, length: Int, count: Int, crc32c: UInt32, firstIndex: Int) {
        self.offset = offset
        self.length = length
        self.count = count
        self.crc32c = crc32c
        self.firstIndex = firstIndex
    }
}
