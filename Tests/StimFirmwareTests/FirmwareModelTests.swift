import StimFirmware
import StimFormats
import StimKernels
import StimLearn
import StimTestSupport
import Testing

/// The model buffer and its C API: what firmware scores equals the host's integer path, the scratch figure is
/// what scoring touches, and no damaged buffer or bad argument traps.
@Suite struct FirmwareModelTests {
    static func randomInputs(_ count: Int, seed: UInt64) -> [Float] {
        var generator = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in Float(generator.nextNormal()) }
    }

    /// A quantized student of each architecture, and one with tabulated activations and average pooling.
    static func quantized(_ layers: [LayerSpec], inputShape: [Int] = [2, 60], seed: UInt64 = 5) throws -> NeuralNet {
        let network = try Sequential(inputShape: inputShape, layers: layers, initializer: .glorotNormal, seed: seed)
        let size = inputShape.reduce(1, *)
        return try Quantizer.quantize(network, calibration: randomInputs(200 * size, seed: seed + 1))
    }

    static let networks: [(String, [LayerSpec], [Int])] = [
        ("cnn", StudentArchitecture.cnn.layers(classes: 2), [2, 60]),
        ("mlp", StudentArchitecture.mlp.layers(classes: 3), [2, 60]),
        ("tabulated", [.conv1d(filters: 6, kernel: 3), .tanh, .averagePool1d(kernel: 2, stride: 2), .conv1d(filters: 4, kernel: 3),
                       .leakyRelu(slope: 0.1), .flatten, .dense(units: 5), .sigmoid, .dense(units: 3)], [3, 16]),
    ]

    @Test(arguments: networks.map(\.0))
    func cInterfaceScoresAsTheHost(name: String) throws {
        let (_, layers, shape) = try #require(Self.networks.first { $0.0 == name })
        let net = try Self.quantized(layers, inputShape: shape)
        let host = try QuantizedNetwork(neuralNet: net, inputShape: shape)
        let bytes = try net.firmwareBuffer(inputShape: shape)
        let size = shape.reduce(1, *)
        try withAlignedCopy(bytes) { buffer in
            var info = [UInt32](repeating: 0, count: 10)
            #expect(info.withUnsafeMutableBytes { stim_model_check(buffer.baseAddress, buffer.count, $0.baseAddress) } == 0)
            #expect(info[0] == 1 && Int(info[1]) == shape[0] && Int(info[2]) == size / shape[0] && Int(info[3]) == host.classes)
            #expect(Int(info[5]) == host.arenaBytes)
            #expect(Float(bitPattern: info[6]) == host.inputQuantization.scale)
            #expect(Int32(bitPattern: info[9]) == host.outputQuantization.zeroPoint)
            var scratchBytes = 0
            #expect(stim_scratch_bytes(buffer.baseAddress, buffer.count, &scratchBytes) == 0)
            #expect(scratchBytes == host.arenaBytes)
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: scratchBytes, alignment: 4)
            defer { scratch.deallocate() }
            let windows = Self.randomInputs(50 * size, seed: 9)
            var distinct = Set<[Int8]>()
            for w in 0..<50 {
                let window = Array(windows[w * size..<(w + 1) * size])
                var scores = [Int8](repeating: 0, count: host.classes)
                var best: Int32 = -1
                let status = window.withUnsafeBufferPointer { samples in
                    stim_score(buffer.baseAddress, buffer.count, samples.baseAddress, size, scratch.baseAddress, scratchBytes,
                               &scores, host.classes, &best)
                }
                #expect(status == 0)
                let expected = try window.withUnsafeBufferPointer { try host.scores($0) }
                #expect(scores == expected)
                #expect(Int(best) == (try window.withUnsafeBufferPointer { try host.classify($0) }))
                #expect(Int(best) == scores.indices.max { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) })
                distinct.insert(scores)
            }
            // The windows differ, so a constant answer would be a broken path.
            #expect(distinct.count > 5)
        }
    }

    /// The buffer runs the network's layers as the reference kernels do, one by one on unpacked weights: an
    /// interpreter of the `NeuralNet` written independently of the buffer's records.
    @Test func cnnMatchesReferenceKernels() throws {
        let net = try Self.quantized(StudentArchitecture.cnn.layers(classes: 2))
        let bytes = try net.firmwareBuffer(inputShape: [2, 60])
        let windows = Self.randomInputs(20 * 120, seed: 11)
        try withAlignedCopy(bytes) { buffer in
            let model = try FirmwareModel(UnsafeRawBufferPointer(buffer))
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: model.scratchBytes, alignment: 4)
            defer { scratch.deallocate() }
            for w in 0..<20 {
                let window = Array(windows[w * 120..<(w + 1) * 120])
                var scores = [Int8](repeating: 0, count: 2)
                let peak = try window.withUnsafeBufferPointer { x in
                    try scores.withUnsafeMutableBufferPointer { try model.score(x, scratch: scratch, into: $0) }
                }
                #expect(peak == model.scratchBytes)
                #expect(scores == ReferenceInterpreter.scores(net, window: window, length: 60))
            }
        }
    }

    @Test func badArgumentsAreErrorCodes() throws {
        let net = try Self.quantized(StudentArchitecture.mlp.layers(classes: 2))
        let bytes = try net.firmwareBuffer(inputShape: [2, 60])
        withAlignedCopy(bytes + [0, 0, 0, 0]) { storage in
            let buffer = UnsafeMutableRawBufferPointer(rebasing: storage[0..<bytes.count])
            var scratchBytes = 0
            #expect(stim_scratch_bytes(buffer.baseAddress, buffer.count, &scratchBytes) == 0)
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: scratchBytes + 4, alignment: 4)
            defer { scratch.deallocate() }
            var window = Self.randomInputs(120, seed: 3)
            var scores = [Int8](repeating: 0, count: 2)
            func score(_ model: UnsafeRawPointer?, size: Int, count: Int = 120, scratchAt: Int = 0,
                       scratchSize: Int = scratchBytes, classes: Int = 2) -> Int32 {
                window.withUnsafeBufferPointer { x in
                    stim_score(model, size, x.baseAddress, count, scratch.baseAddress! + scratchAt, scratchSize, &scores, classes, nil)
                }
            }
            #expect(score(buffer.baseAddress, size: buffer.count) == 0)
            #expect(score(nil, size: buffer.count) == FirmwareError.nullArgument.rawValue)
            #expect(score(buffer.baseAddress, size: buffer.count, count: 119) == FirmwareError.wrongInputCount.rawValue)
            #expect(score(buffer.baseAddress, size: buffer.count, scratchSize: scratchBytes - 1) == FirmwareError.scratchTooSmall.rawValue)
            #expect(score(buffer.baseAddress, size: buffer.count, scratchAt: 2) == FirmwareError.misaligned.rawValue)
            #expect(score(buffer.baseAddress, size: buffer.count, classes: 3) == FirmwareError.wrongClassCount.rawValue)
            #expect(score(buffer.baseAddress, size: -1) == FirmwareError.truncated.rawValue)
            // The buffer moved by 2 bytes is misaligned.
            storage.baseAddress!.advanced(by: 2).copyMemory(from: buffer.baseAddress!, byteCount: bytes.count)
            #expect(stim_model_check(storage.baseAddress! + 2, bytes.count, nil) == FirmwareError.misaligned.rawValue)
            storage.copyBytes(from: bytes)
            window[40] = .nan
            #expect(score(buffer.baseAddress, size: buffer.count) == FirmwareError.nonFiniteInput.rawValue)
            window[40] = -.infinity
            #expect(score(buffer.baseAddress, size: buffer.count) == FirmwareError.nonFiniteInput.rawValue)
        }
        for code in Int32(0)...20 {
            let message = String(cString: stim_error_string(code))
            #expect(message.count > 1)
            if let error = FirmwareError(rawValue: code) { #expect(message == "\(error.message)") }
        }
    }

    /// Every truncation, and every byte changed with the checksum recomputed (so the records' own checks are
    /// reached), is refused with a code or scores without trapping.
    @Test(arguments: networks.map(\.0))
    func damagedBuffersAreRefusedNotTrusted(name: String) throws {
        let (_, layers, shape) = try #require(Self.networks.first { $0.0 == name })
        let net = try Self.quantized(layers, inputShape: shape)
        let bytes = try net.firmwareBuffer(inputShape: shape)
        for cut in stride(from: 0, to: bytes.count, by: 1) {
            let status = withAlignedCopy(Array(bytes[0..<cut])) { stim_model_check($0.baseAddress, $0.count, nil) }
            #expect(status != 0, "cut at \(cut)")
        }
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x10
        #expect(withAlignedCopy(flipped) { stim_model_check($0.baseAddress, $0.count, nil) } == FirmwareError.checksumMismatch.rawValue)
        let size = shape.reduce(1, *)
        let window = Self.randomInputs(size, seed: 4)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4)
        defer { scratch.deallocate() }
        var generator = Xoshiro256StarStar(seed: 12)
        var refused = 0, scored = 0
        // The header and every record head, byte by byte; the weights, which any value fits, by sample.
        let positions = Array(0..<min(bytes.count - 4, 400)) + (0..<200).map { _ in Int(generator.next() % UInt64(bytes.count - 4)) }
        for position in positions {
            var damaged = bytes
            damaged[position] = UInt8(truncatingIfNeeded: generator.next() | 1) ^ damaged[position]
            let crc = CRC32C.checksum(Array(damaged[0..<(damaged.count - 4)]))
            withUnsafeBytes(of: crc.littleEndian) { damaged.replaceSubrange(damaged.count - 4..<damaged.count, with: $0) }
            let status: Int32 = withAlignedCopy(damaged) { buffer in
                var scores = [Int8](repeating: 0, count: 8)
                let checked = stim_model_check(buffer.baseAddress, buffer.count, nil)
                guard checked == 0 else { return checked }
                var need = 0
                guard stim_scratch_bytes(buffer.baseAddress, buffer.count, &need) == 0, need <= scratch.count else { return -1 }
                var info = [UInt32](repeating: 0, count: 10)
                _ = info.withUnsafeMutableBytes { stim_model_check(buffer.baseAddress, buffer.count, $0.baseAddress) }
                return window.withUnsafeBufferPointer { x in
                    stim_score(buffer.baseAddress, buffer.count, x.baseAddress, size, scratch.baseAddress, scratch.count,
                               &scores, Int(info[3]), nil)
                }
            }
            if status == 0 { scored += 1 } else { refused += 1 }
        }
        #expect(refused > 50 && scored > 50, "refused \(refused), scored \(scored)")
    }
}
