import Testing
@testable import StimKernels

@Suite struct CRC32CTests {
    // Check values from RFC 3720 (iSCSI), appendix B.4, and the CRC catalogue's "123456789".
    @Test func knownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum([]) == 0)
    }

    // The sliced path and the byte-at-a-time tail must agree for every length and split point.
    @Test func piecewiseEqualsWhole() {
        var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
        let data: [UInt8] = (0..<1000).map { _ in
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: rng >> 56)
        }
        let whole = CRC32C.checksum(data)
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let first = CRC32C.checksum(Array(data[..<split]))
            #expect(CRC32C.checksum(Array(data[split...]), continuing: first) == whole)
        }
        // Reference: bitwise definition.
        var c: UInt32 = ~0
        for b in data {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        }
        #expect(~c == whole)
        let first = data.withUnsafeBytes { CRC32C.bitwise(UnsafeRawBufferPointer(rebasing: $0[..<300])) }
        #expect(data.withUnsafeBytes { CRC32C.bitwise(UnsafeRawBufferPointer(rebasing: $0[300...]), continuing: first) } == whole)
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32C.bitwise($0) } == 0xE306_9283)
    }
}
