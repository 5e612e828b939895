import CStimProto

extension StudentModel {
    /// The model frame's payload.
    func encoded() -> [UInt8] {
        let arena = CArena()
        let m: UnsafeMutablePointer<Stim__V1__Model> = arena.message(stim__v1__model__init)
        m.pointee.task = arena.string(task)
        m.pointee.n_class_names = classNames.count
        m.pointee.class_names = arena.strings(classNames)
        m.pointee.input = input.cMessage(arena)
        m.pointee.producer = arena.string(producer)
        m.pointee.dataset_digest = arena.bytes(datasetDigest)
        switch body {
        case .net(let net):
            m.pointee.body_case = STIM__V1__MODEL__BODY_NET
            m.pointee.net = net.cMessage(arena)
        case .svm(let svm):
            m.pointee.body_case = STIM__V1__MODEL__BODY_SVM
            m.pointee.svm = svm.cMessage(arena)
        }
        return packed(m, size: stim__v1__model__get_packed_size, pack: stim__v1__model__pack)
    }

    init(decoding payload: [UInt8], _ context: DecodeContext) throws(FormatError) {
        self = try unpacked(payload, unpack: { stim__v1__model__unpack(nil, $0, $1) },
                            free: { stim__v1__model__free_unpacked($0, nil) },
                            failure: { context.error(.undecodable, "payload is not a Model message") }) {
            m throws(FormatError) in
            guard let input = m.pointee.input else { throw context.error(.invalid, "the input spec is missing") }
            let body: Body
            switch m.pointee.body_case {
            case STIM__V1__MODEL__BODY_NET:
                body = .net(try NeuralNet(m.pointee.net, context))
            case STIM__V1__MODEL__BODY_SVM:
                body = .svm(try Svm(m.pointee.svm, context))
            default:
                throw context.error(.invalid, "the model holds neither a neural network nor an SVM")
            }
            return StudentModel(task: swiftString(m.pointee.task),
                                classNames: swiftStrings(m.pointee.class_names, m.pointee.n_class_names),
                                input: try InputSpec(input, context), producer: swiftString(m.pointee.producer),
                                datasetDigest: swiftBytes(m.pointee.dataset_digest), body: body)
        }
    }
}

extension Tensor {
    func cMessage(_ arena: CArena) -> UnsafeMutablePointer<Stim__V1__Tensor> {
        let m: UnsafeMutablePointer<Stim__V1__Tensor> = arena.message(stim__v1__tensor__init)
        m.pointee.dtype = Stim__V1__Tensor__DType(rawValue: UInt32(bitPattern: dtype.rawValue))
        m.pointee.n_shape = shape.count
        m.pointee.shape = arena.array(shape.map { UInt32(clamping: $0) })
        m.pointee.data = arena.bytes(data)
        m.pointee.n_scale = scale.count
        m.pointee.scale = arena.array(scale)
        m.pointee.n_zero_point = zeroPoint.count
        m.pointee.zero_point = arena.array(zeroPoint)
        m.pointee.quantized_axis = UInt32(clamping: quantizedAxis)
        return m
    }

    /// A decoded tensor whose byte length matches its shape and dtype.
    init?(_ m: UnsafePointer<Stim__V1__Tensor>?, _ context: DecodeContext, name: String) throws(FormatError) {
        guard let m else { return nil }
        let dtype = try knownEnum(m.pointee.dtype.rawValue, DType.self, field: "\(name).dtype", at: context)
        let shape = swiftArray(m.pointee.shape, m.pointee.n_shape).map { Int($0) }
        var elements = 1
        for d in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow, product <= Container.FrameType.model.limit else {
                throw context.error(.tooLarge, "\(name) has the absurd shape \(shape)")
            }
            elements = product
        }
        guard m.pointee.data.len == elements * dtype.byteWidth else {
            throw context.error(.invalid, "\(name) holds \(m.pointee.data.len) bytes, shape \(shape) of \(dtype) needs "
                + "\(elements * dtype.byteWidth)")
        }
        self.init(dtype: dtype, shape: shape, data: swiftBytes(m.pointee.data),
                  scale: swiftArray(m.pointee.scale, m.pointee.n_scale),
                  zeroPoint: swiftArray(m.pointee.zero_point, m.pointee.n_zero_point),
                  quantizedAxis: Int(m.pointee.quantized_axis))
    }
}

extension ActivationQuantization {
    func cMessage(_ arena: CArena) -> UnsafeMutablePointer<Stim__V1__ActivationQuantization> {
        let m: UnsafeMutablePointer<Stim__V1__ActivationQuantization> =
            arena.message(stim__v1__activation_quantization__init)
        m.pointee.scale = scale
        m.pointee.zero_point = zeroPoint
        m.pointee.n_multiplier = multiplier.count
        m.pointee.multiplier = arena.array(multiplier)
        m.pointee.n_shift = shift.count
        m.pointee.shift = arena.array(shift)
        return m
    }

    init?(_ m: UnsafePointer<Stim__V1__ActivationQuantization>?) {
        guard let m else { return nil }
        self.init(scale: m.pointee.scale, zeroPoint: m.pointee.zero_point,
                  multiplier: swiftArray(m.pointee.multiplier, m.pointee.n_multiplier),
                  shift: swiftArray(m.pointee.shift, m.pointee.n_shift))
    }
}

extension NeuralNet {
    func cMessage(_ arena: CArena) -> UnsafeMutablePointer<Stim__V1__NeuralNet> {
        let m: UnsafeMutablePointer<Stim__V1__NeuralNet> = arena.message(stim__v1__neural_net__init)
        m.pointee.n_layer = layers.count
        m.pointee.layer = arena.messages(layers.map { $0.cMessage(arena) })
        m.pointee.input_quantization = inputQuantization?.cMessage(arena)
        return m
    }

    init(_ m: UnsafePointer<Stim__V1__NeuralNet>?, _ context: DecodeContext) throws(FormatError) {
        guard let m else { throw context.error(.invalid, "the neural network is missing") }
        self.init(layers: try swiftMessages(m.pointee.layer, m.pointee.n_layer) { l throws(FormatError) in
                      try Layer(l, context)
                  },
                  inputQuantization: ActivationQuantization(m.pointee.input_quantization))
    }
}

extension Layer {
    func cMessage(_ arena: CArena) -> UnsafeMutablePointer<Stim__V1__Layer> {
        let m: UnsafeMutablePointer<Stim__V1__Layer> = arena.message(stim__v1__layer__init)
        m.pointee.name = arena.string(name)
        m.pointee.output_quantization = outputQuantization?.cMessage(arena)
        switch kind {
        case .dense(let dense):
            let d: UnsafeMutablePointer<Stim__V1__Dense> = arena.message(stim__v1__dense__init)
            d.pointee.weight = dense.weight.cMessage(arena)
            d.pointee.bias = dense.bias?.cMessage(arena)
            m.pointee.kind_case = STIM__V1__LAYER__KIND_DENSE
            m.pointee.dense = d
        case .conv1d(let conv):
            m.pointee.kind_case = STIM__V1__LAYER__KIND_CONV1D
            m.pointee.conv1d = conv.cMessage(arena)
        case .conv2d(let conv):
            m.pointee.kind_case = STIM__V1__LAYER__KIND_CONV2D
            m.pointee.conv2d = conv.cMessage(arena)
        case .pool(let pool):
            let p: UnsafeMutablePointer<Stim__V1__Pool> = arena.message(stim__v1__pool__init)
            p.pointee.kind = Stim__V1__Pool__Kind(rawValue: UInt32(bitPattern: pool.kind.rawValue))
            p.pointee.n_size = pool.size.count
            p.pointee.size = arena.array(pool.size.map { UInt32(clamping: $0) })
            p.pointee.n_stride = pool.stride.count
            p.pointee.stride = arena.array(pool.stride.map { UInt32(clamping: $0) })
            m.pointee.kind_case = STIM__V1__LAYER__KIND_POOL
            m.pointee.pool = p
        case .activation(let activation):
            let a: UnsafeMutablePointer<Stim__V1__Activation> = arena.message(stim__v1__activation__init)
            a.pointee.kind = Stim__V1__Activation__Kind(rawValue: UInt32(bitPattern: activation.kind.rawValue))
            a.pointee.alpha = activation.alpha
            m.pointee.kind_case = STIM__V1__LAYER__KIND_ACTIVATION
            m.pointee.activation = a
        case .reshape(let shape):
            let r: UnsafeMutablePointer<Stim__V1__Reshape> = arena.message(stim__v1__reshape__init)
            r.pointee.n_shape = shape.count
            r.pointee.shape = arena.array(shape.map { UInt32(clamping: $0) })
            m.pointee.kind_case = STIM__V1__LAYER__KIND_RESHAPE
            m.pointee.reshape = r
        }
        return m
    }

    init(_ m: UnsafePointer<Stim__V1__Layer>, _ context: DecodeContext) throws(FormatError) {
        let name = swiftString(m.pointee.name)
        let kind: Kind
        switch m.pointee.kind_case {
        case STIM__V1__LAYER__KIND_DENSE:
            guard let d = m.pointee.dense, let weight = try Tensor(d.pointee.weight, context, name: "\(name).weight")
            else { throw context.error(.invalid, "dense layer '\(name)' has no weight") }
            kind = .dense(Dense(weight: weight, bias: try Tensor(d.pointee.bias, context, name: "\(name).bias")))
        case STIM__V1__LAYER__KIND_CONV1D:
            kind = .conv1d(try Conv(m.pointee.conv1d, context, name: name))
        case STIM__V1__LAYER__KIND_CONV2D:
            kind = .conv2d(try Conv(m.pointee.conv2d, context, name: name))
        case STIM__V1__LAYER__KIND_POOL:
            guard let p = m.pointee.pool else { throw context.error(.invalid, "pool layer '\(name)' is empty") }
            kind = .pool(Pool(kind: try knownEnum(p.pointee.kind.rawValue, Pool.Kind.self, field: "\(name).kind", at: context),
                              size: swiftArray(p.pointee.size, p.pointee.n_size).map { Int($0) },
                              stride: swiftArray(p.pointee.stride, p.pointee.n_stride).map { Int($0) }))
        case STIM__V1__LAYER__KIND_ACTIVATION:
            guard let a = m.pointee.activation else { throw context.error(.invalid, "activation '\(name)' is empty") }
            kind = .activation(Activation(
                kind: try knownEnum(a.pointee.kind.rawValue, Activation.Kind.self, field: "\(name).kind", at: context),
                alpha: a.pointee.alpha))
        case STIM__V1__LAYER__KIND_RESHAPE:
            let r = m.pointee.reshape
            kind = .reshape(r.map { swiftArray($0.pointee.shape, $0.pointee.n_shape).map { Int($0) } } ?? [])
        default:
            throw context.error(.invalid, "layer '\(name)' is of a kind this reader does not know")
        }
        self.init(name: name, kind: kind, outputQuantization: ActivationQuantization(m.pointee.output_quantization))
    }
}

extension Conv {
    func cMessage(_ arena: CArena) -> UnsafeMutablePointer<Stim__V1__Conv> {
        let m: UnsafeMutablePointer<Stim__V1__Conv> = arena.message(stim__v1__conv__init)
        m.pointee.weight = weight.cMessage(arena)
        m.pointee.bias = bias?.cMessage(arena)
        m.pointee.n_stride = stride.count
        m.pointee.stride = arena.array(stride.map { UInt32(clamping: $0) })
        m.pointee.n_padding = padding.count
        m.pointee.padding = arena.array(padding.map { UInt32(clamping: $0) })
        m.pointee.n_dilation = dilation.count
        m.pointee.dilation = arena.array(dilation.map { UInt32(clamping: $0) })
        m.pointee.transposed = transposed ? 1 : 0
        return m
    }

    init(_ m: UnsafePointer<Stim__V1__Conv>?, _ context: DecodeContext, name: String) throws(FormatError) {
        guard let m, let weight = try Tensor(m.pointee.weight, context, name: "\(name).weight") else {
            throw context.error(.invalid, "convolution '\(name)' has no weight")
        }
        self.init(weight: weight, bias: try Tensor(m.pointee.bias, context, name: "\(name).bias"),
                  stride: swiftArray(m.pointee.stride, m.pointee.n_stride).map { Int($0) },
                  padding: swiftArray(m.pointee.padding, m.pointee.n_padding).map { Int($0) },
                  dilation: swiftArray(m.pointee.dilation, m.pointee.n_dilation).map { Int($0) },
                  transposed: m.pointee.transposed != 0)
    }
}

extension Svm {
    func cMessage(_ arena: CArena) -> UnsafeMutablePointer<Stim__V1__Svm> {
        let m: UnsafeMutablePointer<Stim__V1__Svm> = arena.message(stim__v1__svm__init)
        let k: UnsafeMutablePointer<Stim__V1__Kernel> = arena.message(stim__v1__kernel__init)
        k.pointee.type = Stim__V1__Kernel__Type(rawValue: UInt32(bitPattern: kernel.kind.rawValue))
        k.pointee.gamma = kernel.gamma
        k.pointee.coef0 = kernel.coef0
        k.pointee.degree = UInt32(clamping: kernel.degree)
        m.pointee.kernel = k
        m.pointee.multiclass = Stim__V1__Svm__Multiclass(rawValue: UInt32(bitPattern: multiclass.rawValue))
        m.pointee.n_feature_offset = featureOffset.count
        m.pointee.feature_offset = arena.array(featureOffset)
        m.pointee.n_feature_scale = featureScale.count
        m.pointee.feature_scale = arena.array(featureScale)
        m.pointee.weight = weight?.cMessage(arena)
        m.pointee.support_vectors = supportVectors?.cMessage(arena)
        m.pointee.dual_coef = dualCoef?.cMessage(arena)
        m.pointee.n_support_per_class = supportPerClass.count
        m.pointee.support_per_class = arena.array(supportPerClass.map { UInt32(clamping: $0) })
        m.pointee.n_bias = bias.count
        m.pointee.bias = arena.array(bias)
        m.pointee.n_prob_a = probA.count
        m.pointee.prob_a = arena.array(probA)
        m.pointee.n_prob_b = probB.count
        m.pointee.prob_b = arena.array(probB)
        return m
    }

    init(_ m: UnsafePointer<Stim__V1__Svm>?, _ context: DecodeContext) throws(FormatError) {
        guard let m else { throw context.error(.invalid, "the SVM is missing") }
        var kernel = SvmKernel(kind: .linear)
        if let k = m.pointee.kernel {
            kernel = SvmKernel(kind: try knownEnum(k.pointee.type.rawValue, SvmKernel.Kind.self, field: "svm.kernel.type",
                                                   at: context),
                               gamma: k.pointee.gamma, coef0: k.pointee.coef0, degree: Int(k.pointee.degree))
        }
        self.init(kernel: kernel,
                  multiclass: try knownEnum(m.pointee.multiclass.rawValue, Multiclass.self, field: "svm.multiclass",
                                            at: context),
                  featureOffset: swiftArray(m.pointee.feature_offset, m.pointee.n_feature_offset),
                  featureScale: swiftArray(m.pointee.feature_scale, m.pointee.n_feature_scale),
                  weight: try Tensor(m.pointee.weight, context, name: "svm.weight"),
                  supportVectors: try Tensor(m.pointee.support_vectors, context, name: "svm.support_vectors"),
                  dualCoef: try Tensor(m.pointee.dual_coef, context, name: "svm.dual_coef"),
                  supportPerClass: swiftArray(m.pointee.support_per_class, m.pointee.n_support_per_class).map { Int($0) },
                  bias: swiftArray(m.pointee.bias, m.pointee.n_bias),
                  probA: swiftArray(m.pointee.prob_a, m.pointee.n_prob_a),
                  probB: swiftArray(m.pointee.prob_b, m.pointee.n_prob_b))
    }
}
