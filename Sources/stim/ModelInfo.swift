import Foundation
import StimFormats
import StimLearn

/// What `stim inspect` says of a student model (text or JSON).
struct ModelInfo: Encodable {
    struct LayerInfo: Encodable {
        var name: String
        var kind: String
        var parameters: Int
        var detail: String
    }

    var kind = "model"
    var file: String
    var task: String
    var classes: [String]
    var input: InputInfo
    var producer: String
    var type: String
    var parameters: Int
    /// Bytes of working memory one inference needs (the integer path's arena, or float32 buffers).
    var inferenceBytes: Int?
    /// Why the engine cannot run this model, when it cannot.
    var unsupported: String?
    var layers: [LayerInfo]

    enum CodingKeys: String, CodingKey {
        case kind, file, task, classes, input, producer, type, parameters, unsupported, layers
        case inferenceBytes = "inference_bytes"
    }

    init(_ model: StudentModel, file: String) {
        self.file = file
        task = model.task
        classes = model.classNames
        input = InputInfo(model.input)
        producer = model.producer
        parameters = model.parameterCount
        switch model.body {
        case .net(let net):
            type = net.inputQuantization == nil ? "neural network (float32)" : "neural network (integer path)"
            layers = net.layers.map(Self.describe)
            let shape = [model.input.channels.count, model.input.samplesPerWindow]
            do {
                if net.inputQuantization == nil {
                    inferenceBytes = 4 * (try Sequential(neuralNet: net, inputShape: shape)).workingSetCount(batch: 1)
                } else {
                    inferenceBytes = try QuantizedNetwork(neuralNet: net, inputShape: shape).arenaBytes
                }
            } catch {
                unsupported = "\(error)"
            }
        case .svm(let svm):
            let kernel: String
            switch svm.kernel.kind {
            case .linear: kernel = "linear"
            case .rbf: kernel = "RBF, gamma \(svm.kernel.gamma)"
            case .polynomial: kernel = "polynomial of degree \(svm.kernel.degree), gamma \(svm.kernel.gamma), coef0 \(svm.kernel.coef0)"
            case .sigmoid: kernel = "sigmoid, gamma \(svm.kernel.gamma), coef0 \(svm.kernel.coef0)"
            }
            let vectors = svm.supportVectors?.shape.first ?? 0
            type = "SVM (\(kernel); \(svm.multiclass == .oneVsOne ? "one-vs-one" : "one-vs-rest")"
                + (vectors > 0 ? "; \(vectors) support vectors" : "") + (svm.probA.isEmpty ? "" : "; Platt probabilities") + ")"
            layers = []
        }
    }

    static func describe(_ layer: Layer) -> LayerInfo {
        func tensor(_ t: Tensor?) -> String {
            guard let t else { return "" }
            return "\(t.dtype) \(t.shape.map(String.init).joined(separator: "×"))"
        }
        switch layer.kind {
        case .dense(let d):
            return LayerInfo(name: layer.name, kind: "dense", parameters: d.weight.elementCount + (d.bias?.elementCount ?? 0),
                             detail: "weight \(tensor(d.weight))" + (d.bias == nil ? "" : ", bias \(tensor(d.bias))"))
        case .conv1d(let c), .conv2d(let c):
            let kind = c.transposed ? "transposed conv" : "conv"
            let dims = if case .conv1d = layer.kind { "1d" } else { "2d" }
            return LayerInfo(name: layer.name, kind: kind + dims,
                             parameters: c.weight.elementCount + (c.bias?.elementCount ?? 0),
                             detail: "weight \(tensor(c.weight)), stride \(c.stride), padding \(c.padding)")
        case .pool(let p):
            return LayerInfo(name: layer.name, kind: p.kind == .globalAverage ? "global pool" : "\(p.kind) pool",
                             parameters: 0, detail: p.kind == .globalAverage ? "" : "size \(p.size), stride \(p.stride)")
        case .activation(let a):
            return LayerInfo(name: layer.name, kind: "\(a.kind)", parameters: 0, detail: a.kind == .leakyRelu ? "alpha \(a.alpha)" : "")
        case .reshape(let shape):
            return LayerInfo(name: layer.name, kind: shape.isEmpty ? "flatten" : "reshape", parameters: 0,
                             detail: shape.isEmpty ? "" : "\(shape)")
        }
    }

    func print() {
        Swift.print("\(file): student model")
        var rows: [(String, String)] = [("task", task), ("classes", classes.joined(separator: ", "))]
        rows += input.rows()
        rows += [("model", type), ("parameters", "\(parameters)")]
        if let inferenceBytes { rows.append(("inference memory", "\(inferenceBytes) bytes")) }
        if let unsupported { rows.append(("cannot run", unsupported)) }
        if !producer.isEmpty { rows.append(("producer", producer)) }
        Output.table(rows)
        for layer in layers {
            Swift.print("  \(layer.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(layer.kind.padding(toLength: 14, withPad: " ", startingAt: 0)) \(String(layer.parameters).padding(toLength: 8, withPad: " ", startingAt: 0)) \(layer.detail)")
        }
    }
}
