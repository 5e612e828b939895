// `StimBench learn`: training-step and inference latency of the apnea teacher CNN and the stimulus generator
// (bench/README.md, "learn"). Each workload runs a warm-up, then `rounds` rounds of `steps` steps; a round's
// time per step is its mean, and the printed figure is the median over rounds (plus min and max).
// `--json`: one JSON line per workload, named as bench/learn/peers.py names them, for bench/learn/compare.
import Foundation
import StimExporter
import StimKernels
import StimLearn

/// The teacher CNN (2 belts × 60 samples → 2 classes) is `StudentArchitecture.cnn`.
let teacherSpecs = StudentArchitecture.cnn.layers(classes: 2)

/// Multiply-adds per example of one forward pass (dense, convolution and transposed convolution layers).
func multiplyAdds(_ network: Sequential) -> [Int] {
    network.layers.map { layer in
        guard let weight = layer.parameters.first(where: { $0.decays }) else { return 0 }
        if layer is ConvTransposeLayer { return weight.count * (layer.inputCount / layer.inputShape[0]) }
        if layer is ConvLayer { return weight.count * (layer.outputCount / layer.outputShape[0]) }
        return weight.count
    }
}

/// FLOPs of one step: 2 per multiply-add, once forward, once more per gradient computed (weights, input).
func stepFlops(_ network: Sequential, batch: Int, weightGradients: Bool, inputGradient: Bool, forwardOnly: Bool = false)
    -> Double {
    let macs = multiplyAdds(network)
    var total = 0
    for (index, m) in macs.enumerated() {
        total += m
        if forwardOnly { continue }
        if weightGradients { total += m }
        if index > 0 || inputGradient { total += m }
    }
    return 2 * Double(total * batch)
}

struct LearnOptions {
    var rounds = 9, milliseconds = 200.0, threads = 1
    var only: Set<String> = ["a", "b", "c", "c_int8"]
    var json = false
    /// Takes out the 256-bit tiles ProcessorKernels installs: times the 6 × 8 Swift tiles that processors without
    /// AVX run (a Raspberry Pi's NEON), on this machine's 128-bit vectors.
    var narrowTiles = false

    static let usage = "usage: StimBench learn [--rounds 9] [--round-ms 200] [--only a,b,c,c_int8] [--threads 1] [--narrow-tiles] [--json]"

    init(_ arguments: ArraySlice<String>) throws {
        let given = try parseOptions(arguments, flags: ["--json", "--narrow-tiles"]) { name, value in
            switch name {
            case "--rounds": rounds = try Options.number(name, value)
            case "--round-ms": milliseconds = Double(try Options.number(name, value))
            case "--only": only = Set(value.split(separator: ",").map(String.init))
            case "--threads": threads = try Options.number(name, value)
            default: throw BenchError(Self.usage)
            }
        }
        json = given.contains("--json")
        narrowTiles = given.contains("--narrow-tiles")
        let known: Set<String> = ["a", "b", "c", "c_int8"]
        guard rounds > 0, milliseconds > 0, threads > 0, only.isSubset(of: known) else { throw BenchError(Self.usage) }
    }
}

/// Median, min and max seconds per step over rounds of about `milliseconds` each.
func timeSteps(_ options: LearnOptions, _ step: () -> Void) -> (median: Double, min: Double, max: Double) {
    // Warm-up, and the number of steps that fills a round.
    var steps = 1
    while true {
        let t = seconds { for _ in 0..<steps { step() } }
        if t * 1000 >= options.milliseconds / 4 || steps >= 1 << 20 {
            steps = max(1, Int(Double(steps) * options.milliseconds / 1000 / t))
            break
        }
        steps *= 2
    }
    var perStep: [Double] = []
    for _ in 0..<options.rounds {
        perStep.append(seconds { for _ in 0..<steps { step() } } / Double(steps))
    }
    perStep.sort()
    return (perStep[perStep.count / 2], perStep[0], perStep[perStep.count - 1])
}

/// One workload's result: a text line, or with `--json` one JSON line named as bench/learn/peers.py names the
/// workload ({"peer": "stim", "workload", "median_ms", "min_ms", "max_ms", "flops", "threads", "rounds"}).
func report(_ options: LearnOptions, _ name: String, workload: String, _ t: (median: Double, min: Double, max: Double),
            flops: Double) {
    if options.json {
        let line = String(format: "{\"peer\": \"stim\", \"workload\": \"%@\", \"median_ms\": %.6f, \"min_ms\": %.6f, "
                          + "\"max_ms\": %.6f, \"flops\": %.0f, \"threads\": %d, \"rounds\": %d}",
                          workload, t.median * 1e3, t.min * 1e3, t.max * 1e3, flops, options.threads, options.rounds)
        FileHandle.standardOutput.write(Data((line + "\n").utf8))  // unbuffered: each line as it is measured
        return
    }
    let line = String(format: "%@  median %.4f ms  (min %.4f, max %.4f)  %.2f MFLOP/step  %.2f GFLOP/s",
                      name, t.median * 1e3, t.min * 1e3, t.max * 1e3, flops / 1e6, flops / t.median / 1e9)
    print(line)
}

/// Deterministic pseudo-random floats in [−1, 1).
func noise(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed &+ 0x9E37_79B9_7F4A_7C15
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
    }
}

func runLearn(_ options: LearnOptions) throws {
    let teacher = try Sequential(inputShape: [2, 60], layers: teacherSpecs, seed: 1)
    if options.narrowTiles {
        MatrixMultiply.Optimized.wideTile = nil
        (Convolution.Direct.wideForwardTile, Convolution.Direct.wideWeightTile) = (nil, nil)
        Convolution.Direct.wideInterleave = nil
    }
    // Batch-1 workloads run on one thread whatever this says (a batch of one does not split).
    teacher.threads = options.threads
    if options.only.contains("a") {
        // (a) One training step of the teacher at batch 64: soft-target cross-entropy, backward, Adam.
        let batch = 64
        let inputs = noise(batch * teacher.inputCount, seed: 2)
        let targets: [Float] = (0..<batch).flatMap { i -> [Float] in
            let p = Float(i % 5) / 4
            return [p, 1 - p]
        }
        let gradient = FloatBuffer(count: batch * teacher.outputCount)
        let optimizer = Adam(parameters: teacher.parameters, learningRate: 1e-4)
        let t = inputs.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { y in
                timeSteps(options) {
                    let logits = teacher.forward(x, batch: batch, training: true)
                    _ = Loss.crossEntropy(logits: logits, targets: y, classes: 2, gradient: gradient.pointer)
                    teacher.backward(gradient.readOnly, batch: batch)
                    optimizer.step()
                }
            }
        }
        report(options, "(a) teacher train step, batch 64   ", workload: "a_teacher_train_b64", t,
               flops: stepFlops(teacher, batch: batch, weightGradients: true, inputGradient: false))
    }
    if options.only.contains("b") {
        // (b) One generator step at batch 1 through the frozen teacher: loss −logit[target].
        // The exporter's generator: 128 noise values → 2 × 60 samples in (−1, 1).
        let generator = try Sequential(inputShape: [128], layers: GeneratorArchitecture.specs(outputShape: [2, 60]),
                                       seed: 3)
        let z = noise(128, seed: 4)
        let target = 1
        let gradient = FloatBuffer(count: teacher.outputCount)
        gradient[target] = -1
        let optimizer = Adam(parameters: generator.parameters, learningRate: 1e-4)
        optimizer.threads = options.threads
        let t = z.withUnsafeBufferPointer { z in
            timeSteps(options) {
                let stimulus = generator.forward(z, batch: 1, training: true)
                _ = teacher.forward(stimulus, batch: 1, training: true)
                let stimulusGradient = teacher.backward(gradient.readOnly, batch: 1, inputGradient: true,
                                                        parameterGradients: false)!
                generator.backward(stimulusGradient, batch: 1)
                optimizer.step()
            }
        }
        let flops = stepFlops(generator, batch: 1, weightGradients: true, inputGradient: false)
            + stepFlops(teacher, batch: 1, weightGradients: false, inputGradient: true)
        report(options, "(b) generator step, batch 1        ", workload: "b_generator_step_b1", t, flops: flops)
    }
    if options.only.contains("c") {
        // (c) Teacher inference on one window.
        let x = noise(teacher.inputCount, seed: 5)
        let t = x.withUnsafeBufferPointer { x in
            timeSteps(options) { _ = teacher.forward(x, batch: 1) }
        }
        report(options, "(c) teacher inference, batch 1     ", workload: "c_teacher_infer_b1", t,
               flops: stepFlops(teacher, batch: 1, weightGradients: false, inputGradient: false, forwardOnly: true))
    }
    if options.only.contains("c_int8") {
        // (c, int8) The int8-quantized teacher on one window through the integer path (QuantizedNetwork):
        // the float window is quantized at the input, every layer runs on int8, classify picks the class.
        // Calibration: 256 windows of the same noise distribution as the timed one.
        let calibration = noise(256 * teacher.inputCount, seed: 6)
        let quantized = try QuantizedNetwork(neuralNet: Quantizer.quantize(teacher, calibration: calibration),
                                             inputShape: teacher.inputShape)
        let x = noise(teacher.inputCount, seed: 5)
        var failure: Error?
        var classes = 0
        let t = x.withUnsafeBufferPointer { x in
            timeSteps(options) {
                do { classes &+= try quantized.classify(x) } catch { failure = error }
            }
        }
        if let failure { throw failure }
        report(options, "(c) teacher int8 inference, batch 1", workload: "c_int8_teacher_infer_b1", t,
               flops: stepFlops(teacher, batch: 1, weightGradients: false, inputGradient: false, forwardOnly: true))
        if classes < 0 { print(classes) }  // keeps the classifications alive
    }
}
