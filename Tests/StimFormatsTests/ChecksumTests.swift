import Testing
import StimKernels
@testable import StimFormats

@Suite struct ChecksumTests {
    /// The hardware path gives the table-driven kernel's value for every length, alignment and continuation.
    @Test func hardwareEqualsTables() {
        var state: UInt32 = 12345
        let data: [UInt8] = (0..<4099).map { _ in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        #expect(Checksum.crc32c(Array("123456789".utf8)) == 0xE306_9283)
        data.withUnsafeBytes { raw in
            for start in 0..<9 {
                for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4090] {
                    let slice = UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
                    #expect(Checksum.crc32c(slice) == CRC32C.checksum(slice), "start \(start) length \(length)")
                    #expect(Checksum.crc32c(slice, continuing: 0xDEAD_BEEF) == CRC32C.checksum(slice, continuing: 0xDEAD_BEEF))
                }
            }
        }
    }
}
