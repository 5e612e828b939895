import CStimCRC
import StimKernels

/// The frames' CRC-32C: the processor's CRC instructions where it has them, else StimKernels' tables.
/// Checksumming is most of the time a read takes, so this matters for datasets of any size.
enum Checksum {
    static let hardware = stim_crc32c_hardware_available() != 0

    static func crc32c(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard hardware, let base = bytes.baseAddress else { return CRC32C.checksum(bytes, continuing: crc) }
        return stim_crc32c_hardware(crc, base, bytes.count)
    }

    static func crc32c(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { crc32c($0) } }
}
