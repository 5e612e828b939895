import Testing
@testable import StimRuntime

@Suite struct SampleDecoderTests {
    /// Lines split anywhere between chunks; a header, CRLF, invalid samples, malformed lines with their numbers.
    @Test func csvLines() throws {
        let text = "chest,abdomen\r\n1.5,-2\n3,4,5\n\n7,x\n,8\nnan, 9.25 \ninf,1\n10,11"
        var decoder = try SampleDecoder(format: .csv, channels: 2)
        var frames: [Float] = []
        var malformed: [SampleDecoder.Malformed] = []
        let bytes = Array(text.utf8)
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let r = decoder.decode(bytes[start..<min(bytes.count, start + 3)])
            frames += r.frames
            malformed += r.malformed
        }
        let end = decoder.finish()
        frames += end.frames
        malformed += end.malformed
        #expect(frames.count == 8)
        #expect(frames[0] == 1.5 && frames[1] == -2 && frames[2].isNaN && frames[3] == 8 && frames[4].isNaN
            && frames[5] == 9.25 && frames[6] == 10 && frames[7] == 11)
        #expect(malformed.map(\.description) == ["line 3: 3 values where 2 channels were stated",
                                                 "line 5: 'x' is not a number", "line 8: 'inf' is not a number"])
        #expect(decoder.malformedCount == 3 && decoder.lines == 9)
    }

    @Test func headerOnlyOnTheFirstLine() throws {
        var decoder = try SampleDecoder(format: .csv, channels: 1)
        let r = decoder.decode(Array("1\nvalue\n2\n".utf8))
        #expect(r.frames == [1, 2] && r.malformed.map(\.line) == [2])
    }

    /// Little-endian int16 frames cut at odd byte counts; a partial frame at the end is reported.
    @Test func int16Frames() throws {
        let values: [Int16] = [1, -2, 32767, -32768, 300, -300]
        var bytes: [UInt8] = []
        for v in values { bytes += [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)] }
        bytes.append(7)
        var decoder = try SampleDecoder(format: .int16, channels: 2)
        var frames: [Float] = []
        for start in stride(from: 0, to: bytes.count, by: 3) { frames += decoder.decode(bytes[start..<min(bytes.count, start + 3)]).frames }
        #expect(frames == values.map(Float.init))
        let end = decoder.finish()
        #expect(end.frames.isEmpty && end.malformed.count == 1 && decoder.malformedCount == 1)
    }

    @Test func noChannelsIsAnError() {
        #expect(throws: RuntimeError.self) { try SampleDecoder(format: .csv, channels: 0) }
    }
}
