/// A trained student, as a `.stimm` model file holds it: a neural network (float32 or quantized) or an SVM,
/// with the input it expects and its class names.
public struct StudentModel: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        case net(NeuralNet)
        case svm(Svm)
    }

    public var task: String
    public var classNames: [String]
    public var input: InputSpec
    public var producer: String
    /// SHA-256 of the stimuli dataset's header frame the student was trained on.
    public var datasetDigest: [UInt8]
    public var body: Body

    public init(task: String, classNames: [String], input: InputSpec, producer: String = "", datasetDigest: [UInt8] = [],
                body: Body) {
        self.task = task
        self.classNames = classNames
        self.input = input
        self.producer = producer
        self.datasetDigest = datasetDigest
        self.body = body
    }

    /// Number of stored parameters (tensor elements and per-machine scalars).
    public var parameterCount: Int {
        switch body {
        case .net(let net):
            return net.layers.reduce(0) { total, layer in
                switch layer.kind {
                case .dense(let d): return total + d.weight.elementCount + (d.bias?.elementCount ?? 0)
                case .conv1d(let c), .conv2d(let c): return total + c.weight.elementCount + (c.bias?.elementCount ?? 0)
                case .pool, .activation, .reshape: return total
                }
            }
        case .svm(let svm):
            return (svm.weight?.elementCount ?? 0) + (svm.supportVectors?.elementCount ?? 0)
                + (svm.dualCoef?.elementCount ?? 0) + svm.bias.count
        }
    }
}

/// A dense little-endian array, row-major. Quantized: real = scale[i] × (q − zeroPoint[i]) along `quantizedAxis`.
public struct Tensor: Sendable, Equatable {
    public enum DType: Int32, Sendable, CaseIterable {
        case float32 = 0
        case int8 = 1
        case int16 = 2
        case int32 = 3

        public var byteWidth: Int {
            switch self {
            case .float32, .int32: return 4
            case .int16: return 2
            case .int8: return 1
            }
        }
    }

    public var dtype: DType
    public var shape: [Int]
    public var data: [UInt8]
    public var scale: [Float]
    public var zeroPoint: [Int32]
    public var quantizedAxis: Int

    public init(dtype: DType, shape: [Int], data: [UInt8], scale: [Float] = [], zeroPoint: [Int32] = [],
                quantizedAxis: Int = 0) {
        self.dtype = dtype
        self.shape = shape
        self.data = data
        self.scale = scale
        self.zeroPoint = zeroPoint
        self.quantizedAxis = quantizedAxis
    }

    public init(float32 values: [Float], shape: [Int]) {
        self.init(dtype: .float32, shape: shape, data: values.flatMap { Self.bytes(of: $0.bitPattern) })
    }

    public init(int8 values: [Int8], shape: [Int], scale: [Float], zeroPoint: [Int32] = [], quantizedAxis: Int = 0) {
        self.init(dtype: .int8, shape: shape, data: values.map { UInt8(bitPattern: $0) }, scale: scale,
                  zeroPoint: zeroPoint.isEmpty ? Array(repeating: 0, count: scale.count) : zeroPoint,
                  quantizedAxis: quantizedAxis)
    }

    public init(int16 values: [Int16], shape: [Int], scale: [Float] = [], zeroPoint: [Int32] = []) {
        self.init(dtype: .int16, shape: shape, data: values.flatMap { Self.bytes(of: UInt16(bitPattern: $0)) },
                  scale: scale, zeroPoint: zeroPoint)
    }

    public init(int32 values: [Int32], shape: [Int], scale: [Float] = []) {
        self.init(dtype: .int32, shape: shape, data: values.flatMap { Self.bytes(of: UInt32(bitPattern: $0)) },
                  scale: scale)
    }

    /// Product of the shape (the number of stored values).
    public var elementCount: Int { shape.reduce(1, *) }

    /// float32 values; nil for other dtypes.
    public var floats: [Float]? {
        guard dtype == .float32 else { return nil }
        return (0..<data.count / 4).map { Float(bitPattern: word(at: $0 * 4, UInt32.self)) }
    }

    /// Integer values of an int8, int16 or int32 tensor; nil for float32.
    public var integers: [Int32]? {
        switch dtype {
        case .float32: return nil
        case .int8: return data.map { Int32(Int8(bitPattern: $0)) }
        case .int16: return (0..<data.count / 2).map { Int32(Int16(bitPattern: word(at: $0 * 2, UInt16.self))) }
        case .int32: return (0..<data.count / 4).map { Int32(bitPattern: word(at: $0 * 4, UInt32.self)) }
        }
    }

    private func word<W: FixedWidthInteger>(at offset: Int, _: W.Type) -> W {
        var w: W = 0
        for i in 0..<MemoryLayout<W>.size { w |= W(data[offset + i]) << (8 * i) }
        return w
    }

    private static func bytes<W: FixedWidthInteger>(of value: W) -> [UInt8] {
        (0..<MemoryLayout<W>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}

/// Requantization of a layer's int32 accumulator (gemmlowp scheme), per output channel.
public struct ActivationQuantization: Sendable, Equatable {
    public var scale: Float
    public var zeroPoint: Int32
    public var multiplier: [Int32]
    public var shift: [Int32]

    public init(scale: Float, zeroPoint: Int32, multiplier: [Int32] = [], shift: [Int32] = []) {
        self.scale = scale
        self.zeroPoint = zeroPoint
        self.multiplier = multiplier
        self.shift = shift
    }
}

public struct NeuralNet: Sendable, Equatable {
    public var layers: [Layer]
    /// Set when the net runs on the integer path.
    public var inputQuantization: ActivationQuantization?

    public init(layers: [Layer], inputQuantization: ActivationQuantization? = nil) {
        self.layers = layers
        self.inputQuantization = inputQuantization
    }
}

public struct Layer: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case dense(Dense)
        case conv1d(Conv)
        case conv2d(Conv)
        case pool(Pool)
        case activation(Activation)
        /// Target shape; empty = flatten.
        case reshape([Int])
    }

    public var name: String
    public var kind: Kind
    public var outputQuantization: ActivationQuantization?

    public init(name: String, kind: Kind, outputQuantization: ActivationQuantization? = nil) {
        self.name = name
        self.kind = kind
        self.outputQuantization = outputQuantization
    }
}

public struct Dense: Sendable, Equatable {
    /// [outputs, inputs].
    public var weight: Tensor
    /// [outputs]; int32 when the weight is int8.
    public var bias: Tensor?

    public init(weight: Tensor, bias: Tensor? = nil) {
        self.weight = weight
        self.bias = bias
    }
}

public struct Conv: Sendable, Equatable {
    /// Conv1D [out, in, k]; Conv2D [out, in, kh, kw].
    public var weight: Tensor
    public var bias: Tensor?
    public var stride: [Int]
    public var padding: [Int]
    public var dilation: [Int]
    public var transposed: Bool

    public init(weight: Tensor, bias: Tensor? = nil, stride: [Int] = [], padding: [Int] = [], dilation: [Int] = [],
                transposed: Bool = false) {
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
    }
}

public struct Pool: Sendable, Equatable {
    public enum Kind: Int32, Sendable, CaseIterable {
        case max = 0
        case average = 1
        case globalAverage = 2
    }

    public var kind: Kind
    public var size: [Int]
    public var stride: [Int]

    public init(kind: Kind, size: [Int] = [], stride: [Int] = []) {
        self.kind = kind
        self.size = size
        self.stride = stride
    }
}

public struct Activation: Sendable, Equatable {
    public enum Kind: Int32, Sendable, CaseIterable {
        case relu = 0
        case leakyRelu = 1
        case sigmoid = 2
        case tanh = 3
        case softmax = 4
    }

    public var kind: Kind
    /// LeakyReLU slope.
    public var alpha: Float

    public init(kind: Kind, alpha: Float = 0) {
        self.kind = kind
        self.alpha = alpha
    }
}

public struct SvmKernel: Sendable, Equatable {
    public enum Kind: Int32, Sendable, CaseIterable {
        case linear = 0
        case polynomial = 1
        case rbf = 2
        case sigmoid = 3
    }

    public var kind: Kind
    public var gamma: Float
    public var coef0: Float
    public var degree: Int

    public init(kind: Kind, gamma: Float = 0, coef0: Float = 0, degree: Int = 0) {
        self.kind = kind
        self.gamma = gamma
        self.coef0 = coef0
        self.degree = degree
    }
}

public struct Svm: Sendable, Equatable {
    public enum Multiclass: Int32, Sendable, CaseIterable {
        case oneVsOne = 0
        case oneVsRest = 1
    }

    public var kernel: SvmKernel
    public var multiclass: Multiclass
    /// x' = (x − featureOffset) × featureScale, per feature.
    public var featureOffset: [Float]
    public var featureScale: [Float]
    /// Linear: [machines, features].
    public var weight: Tensor?
    /// Kernel: [support vectors, features].
    public var supportVectors: Tensor?
    /// Kernel: [classes − 1, support vectors] one-vs-one (LIBSVM layout), [classes, support vectors] one-vs-rest.
    public var dualCoef: Tensor?
    public var supportPerClass: [Int]
    /// One per binary machine.
    public var bias: [Float]
    /// Platt scaling, one per binary machine.
    public var probA: [Float]
    public var probB: [Float]

    public init(kernel: SvmKernel, multiclass: Multiclass = .oneVsOne, featureOffset: [Float] = [], featureScale: [Float] = [],
                weight: Tensor? = nil, supportVectors: Tensor? = nil, dualCoef: Tensor? = nil, supportPerClass: [Int] = [],
                bias: [Float] = [], probA: [Float] = [], probB: [Float] = []) {
        self.kernel = kernel
        self.multiclass = multiclass
        self.featureOffset = featureOffset
        self.featureScale = featureScale
        self.weight = weight
        self.supportVectors = supportVectors
        self.dualCoef = dualCoef
        self.supportPerClass = supportPerClass
        self.bias = bias
        self.probA = probA
        self.probB = probB
    }
}
