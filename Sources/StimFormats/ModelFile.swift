/// Reads and writes student model files (`.stimm`): preamble, one model frame, trailer.
public enum ModelFile {
    public static func write(_ model: StudentModel, to path: String) throws(FormatError) {
        let payload = model.encoded()
        // Decoding what is about to be written applies every reader check (tensor sizes among them).
        let context = DecodeContext(file: path, offset: Container.preambleSize, what: "model")
        try StudentModel(decoding: payload, context).validate(context)
        let output = try FileOutput(path: path)
        try output.write(Container.preamble(magic: Container.modelMagic))
        let frame = Frame.encode(.model, payload)
        guard frame.bytes.count - 9 <= Container.FrameType.model.limit else {
            throw FormatError(.invalidArgument, file: path, "the model encodes to more than 256 MiB")
        }
        let frameOffset = output.offset
        try output.write(frame.bytes)
        try output.write(Container.trailer(lastFrameOffset: frameOffset))
        try output.commit()
    }

    public static func read(path: String) throws(FormatError) -> StudentModel {
        try read(try FileInput(path: path))
    }

    public static func read(bytes: [UInt8], name: String = "<memory>") throws(FormatError) -> StudentModel {
        try read(MemoryInput(bytes, name: name))
    }

    static func read(_ input: ByteInput) throws(FormatError) -> StudentModel {
        let file = input.name
        _ = try Container.checkPreamble(try input.read(at: 0, count: Container.preambleSize),
                                        magic: Container.modelMagic, file: file)
        let frame = try Frame.read(input, at: Container.preambleSize, end: input.size.map { $0 - Container.trailerSize })
        guard frame.type == Container.FrameType.model.rawValue else {
            throw FormatError(.unexpectedFrame, file: file, offset: frame.offset,
                              "a frame of type \(frame.type) where the model (16) belongs")
        }
        let trailer = try input.read(at: frame.end, count: Container.trailerSize + 1)
        guard trailer.count >= Container.trailerSize, Array(trailer[8..<16]) == Container.endMagic else {
            throw FormatError(.truncated, file: file, offset: frame.end, "the trailer after the model is missing or damaged")
        }
        guard trailer.count == Container.trailerSize,
              Container.readLE(trailer, at: 0, as: UInt64.self) == UInt64(frame.offset) else {
            throw FormatError(.invalid, file: file, offset: frame.end,
                              "trailer: wrong last_frame_offset, or bytes follow the trailer")
        }
        let context = DecodeContext(file: file, offset: frame.offset, what: "model")
        let model = try StudentModel(decoding: frame.payload, context)
        try model.validate(context)
        return model
    }
}

extension StudentModel {
    func validate(_ context: DecodeContext) throws(FormatError) {
        guard classNames.count >= 2, classNames.count <= Container.maxClasses else {
            throw context.error(.invalid, "\(classNames.count) class names (2...\(Container.maxClasses))")
        }
        guard !input.channels.isEmpty, input.samplesPerWindow >= 1 else {
            throw context.error(.invalid, "the input spec has no channel or no samples")
        }
    }
}

/// What a stim file holds, told by its magic bytes.
public enum StimFileKind: Sendable, Equatable {
    case dataset
    case model

    public static func of(path: String) throws(FormatError) -> StimFileKind {
        let input = try FileInput(path: path)
        let magic = try input.read(at: 0, count: 8)
        if magic == Container.datasetMagic { return .dataset }
        if magic == Container.modelMagic { return .model }
        throw FormatError(.badMagic, file: path, offset: 0, "neither a stim dataset nor a stim model (wrong magic bytes)")
    }
}
