import StimFirmware
import StimFormats
import StimKernels

/// Inference on the integer path only: a window's float samples are quantized once at the input, then
/// every layer works on int8 values with int32 accumulators and integer requantization, up to int8 class
/// scores. The same model gives the same bits on every device (no floating point after the input).
///
/// The network becomes a model buffer (`NeuralNet.firmwareBuffer`) and runs on `StimFirmware`, the code
/// that firmware runs through the C API. All working memory is one arena of `arenaBytes`, computed from the
/// layer shapes when the model loads: the largest scratch any kernel needs and two int8 activation buffers
/// that layers alternate between.
public final class QuantizedNetwork {
    public let inputShape: [Int]
    public let classes: Int
    public let inputQuantization: AffineQuantization
    /// Scale and zero point of the int8 class scores.
    public let outputQuantization: AffineQuantization
    /// Bytes of working memory inference uses, the arena included, whatever the input.
    public let arenaBytes: Int
    /// The model buffer, 16-byte aligned as `FirmwareModel` reads it in place.
    let buffer: UnsafeMutableRawBufferPointer
    let model: FirmwareModel
    let arena: UnsafeMutableRawBufferPointer
    /// Highest arena offset the last inference wrote, for checking `arenaBytes` against use.
    private(set) var peakBytes = 0

    public init(neuralNet: NeuralNet, inputShape: [Int]) throws {
        let bytes = try neuralNet.firmwareBuffer(inputShape: inputShape)
        buffer = .allocate(byteCount: bytes.count, alignment: 16)
        buffer.copyBytes(from: bytes)
        do {
            model = try FirmwareModel(UnsafeRawBufferPointer(buffer))
        } catch {
            buffer.deallocate()
            throw LearnError.unsupported("the model buffer is refused: \(error.message)")
        }
        self.inputShape = inputShape
        classes = model.classes
        inputQuantization = model.inputQuantization
        outputQuantization = model.outputQuantization
        arenaBytes = model.scratchBytes
        arena = .allocate(byteCount: max(arenaBytes, 1), alignment: 16)
    }

    deinit {
        arena.deallocate()
        buffer.deallocate()
    }

    /// int8 class scores of one example; the scores' quantization is `outputQuantization`.
    public func scores(_ example: UnsafeBufferPointer<Float>) throws -> [Int8] {
        var result = [Int8](repeating: 0, count: classes)
        try result.withUnsafeMutableBufferPointer { try run(example, into: $0) }
        return result
    }

    /// The most probable class of one example, with no allocation.
    public func classify(_ example: UnsafeBufferPointer<Float>) throws -> Int {
        try withUnsafeTemporaryAllocation(of: Int8.self, capacity: classes) { scores in
            try run(example, into: scores)
            return FirmwareModel.bestClass(UnsafeBufferPointer(scores))
        }
    }

    /// Dequantized scores (logits) of any number of examples.
    public func predict(_ inputs: [Float]) throws -> [Float] {
        let size = inputShape.reduce(1, *)
        precondition(inputs.count % size == 0, "predict needs whole examples of \(inputShape)")
        var logits: [Float] = []
        logits.reserveCapacity(inputs.count / size * classes)
        var scores = [Int8](repeating: 0, count: classes)
        try inputs.withUnsafeBufferPointer { all in
            for start in stride(from: 0, to: inputs.count, by: size) {
                try scores.withUnsafeMutableBufferPointer { try run(all.slice(start, size), into: $0) }
                for q in scores { logits.append(outputQuantization.dequantize(q)) }
            }
        }
        return logits
    }

    private func run(_ example: UnsafeBufferPointer<Float>, into scores: UnsafeMutableBufferPointer<Int8>) throws {
        let size = inputShape.reduce(1, *)
        guard example.count == size else {
            throw LearnError.data("an example of \(inputShape) has \(size) values, got \(example.count)")
        }
        do {
            peakBytes = try model.score(example, scratch: arena, into: scores)
        } catch .nonFiniteInput {
            throw LearnError.data("the example holds a non-finite value")
        } catch {
            throw LearnError.data("the integer path refused the example: \(error.message)")
        }
    }
}
