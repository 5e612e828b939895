/// Little-endian encoding of the journal's and checkpoint's records (exporter-private files, not a wire format).
struct ByteSink {
    var bytes: [UInt8] = []

    mutating func put(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func put(_ value: Int) { put(UInt64(bitPattern: Int64(value))) }
    mutating func put(_ value: Float) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value.bitPattern >> UInt32(shift))) }
    }

    mutating func put(_ values: [Float]) {
        put(values.count)
        for v in values { put(v) }
    }
}

/// Reads what `ByteSink` wrote; every read checks the bytes are there.
struct ByteSource {
    let bytes: [UInt8]
    var offset = 0
    let what: String

    init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    var atEnd: Bool { offset == bytes.count }

    mutating func uint64() throws(ExportError) -> UInt64 {
        guard offset + 8 <= bytes.count else { throw .journal("\(what) ends early (at byte \(offset))") }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
        offset += 8
        return value
    }

    mutating func int(in range: ClosedRange<Int> = 0...Int(Int32.max)) throws(ExportError) -> Int {
        let value = Int(Int64(bitPattern: try uint64()))
        guard range.contains(value) else { throw .journal("\(what): the value \(value) at byte \(offset - 8) is out of range") }
        return value
    }

    mutating func float() throws(ExportError) -> Float {
        guard offset + 4 <= bytes.count else { throw .journal("\(what) ends early (at byte \(offset))") }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << UInt32(8 * i) }
        offset += 4
        return Float(bitPattern: value)
    }

    mutating func floats() throws(ExportError) -> [Float] {
        let count = try int(in: 0...((bytes.count - offset) / 4))
        var values: [Float] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try float()) }
        return values
    }
}
