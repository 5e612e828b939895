/// A bounds-checked little-endian cursor over a model buffer: every read past the end is `.truncated`.
struct ByteReader {
    let base: UnsafeRawPointer
    let end: Int
    var offset: Int

    init(_ base: UnsafeRawPointer, end: Int, offset: Int) {
        self.base = base
        self.end = end
        self.offset = offset
    }

    mutating func word() throws(FirmwareError) -> UInt32 {
        guard end - offset >= 4 else { throw .truncated }
        defer { offset += 4 }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    mutating func int32() throws(FirmwareError) -> Int32 { Int32(bitPattern: try word()) }

    mutating func float() throws(FirmwareError) -> Float { Float(bitPattern: try word()) }

    /// A count in 0...maxElements, compared before it becomes an Int (which is 32 bits on armv6 and armv7).
    mutating func count() throws(FirmwareError) -> Int {
        let value = try word()
        guard value <= UInt32(FirmwareFormat.maxElements) else { throw .badShape }
        return Int(value)
    }

    /// A size in 1...maxDimension.
    mutating func dimension() throws(FirmwareError) -> Int {
        let value = try word()
        guard value >= 1, value <= UInt32(FirmwareFormat.maxDimension) else { throw .badShape }
        return Int(value)
    }

    /// A size in 0...maxDimension (paddings).
    mutating func padding() throws(FirmwareError) -> Int {
        let value = try word()
        guard value <= UInt32(FirmwareFormat.maxDimension) else { throw .badShape }
        return Int(value)
    }

    /// An int8 zero point.
    mutating func zeroPoint() throws(FirmwareError) -> Int32 {
        let value = try int32()
        guard value >= -128, value <= 127 else { throw .badQuantization }
        return value
    }

    /// The start of `bytes` bytes, then the cursor moves past them and their padding to 4.
    mutating func array(bytes: Int) throws(FirmwareError) -> UnsafeRawPointer {
        let size = FirmwareFormat.padded(bytes)
        guard end - offset >= size else { throw .truncated }
        defer { offset += size }
        return base + offset
    }
}
