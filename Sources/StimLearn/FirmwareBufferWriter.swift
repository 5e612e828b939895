import StimFirmware
import StimKernels

/// Appends the words and padded arrays of a model buffer (`FirmwareFormat`), little-endian.
struct FirmwareBufferWriter {
    private(set) var bytes: [UInt8] = []
    /// Layer records opened so far.
    private(set) var recordCount = 0

    mutating func word(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    mutating func int32(_ value: Int32) { word(UInt32(bitPattern: value)) }

    mutating func count(_ value: Int) { word(UInt32(value)) }

    mutating func float(_ value: Float) { word(value.bitPattern) }

    mutating func floats(_ values: [Float]) {
        for v in values { float(v) }
    }

    /// Values of a fixed-width integer array, then zeros up to a multiple of 4 bytes.
    mutating func array<T: FixedWidthInteger>(_ values: [T]) {
        for v in values { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        bytes += [UInt8](repeating: 0, count: FirmwareFormat.padded(bytes.count) - bytes.count)
    }

    /// Opens a layer record; `endRecord` with the returned offset fills in its length.
    mutating func beginRecord(_ operation: FirmwareFormat.Operation, inputCount: Int, outputCount: Int) -> Int {
        let start = bytes.count
        recordCount += 1
        word(operation.rawValue)
        word(0)
        count(inputCount)
        count(outputCount)
        return start
    }

    mutating func endRecord(_ start: Int) {
        let length = UInt32(bytes.count - start).littleEndian
        withUnsafeBytes(of: length) { bytes.replaceSubrange(start + 4..<start + 8, with: $0) }
    }

    /// Sets the header's total length, and appends the CRC-32C of everything before it.
    mutating func finish(totalAt offset: Int) {
        let total = UInt32(bytes.count + FirmwareFormat.checksumBytes).littleEndian
        withUnsafeBytes(of: total) { bytes.replaceSubrange(offset..<offset + 4, with: $0) }
        word(CRC32C.checksum(bytes))
    }
}
