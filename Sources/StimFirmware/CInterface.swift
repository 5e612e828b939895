import StimKernels

// The C API declared in devices/include/stim.h. Every function returns 0 or a `FirmwareError` code and
// never traps on what a caller passes: sizes are checked, pointers may be NULL.

/// Checks a model buffer (checksum included) and fills `info` (`stim_model_info`, may be NULL).
@_cdecl("stim_model_check")
public func stim_model_check(_ model: UnsafeRawPointer?, _ size: Int, _ info: UnsafeMutableRawPointer?) -> Int32 {
    let checked = checkedModel(model, size, verifyChecksum: true)
    guard case .success(let m) = checked else { return code(checked) }
    if let info {
        let words: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
            UInt32(m.kind.rawValue), UInt32(m.inputChannels), UInt32(m.inputSamples), UInt32(m.classes),
            UInt32(m.layerCount), UInt32(m.scratchBytes))
        info.storeBytes(of: words.0, toByteOffset: 0, as: UInt32.self)
        info.storeBytes(of: words.1, toByteOffset: 4, as: UInt32.self)
        info.storeBytes(of: words.2, toByteOffset: 8, as: UInt32.self)
        info.storeBytes(of: words.3, toByteOffset: 12, as: UInt32.self)
        info.storeBytes(of: words.4, toByteOffset: 16, as: UInt32.self)
        info.storeBytes(of: words.5, toByteOffset: 20, as: UInt32.self)
        info.storeBytes(of: m.inputQuantization.scale, toByteOffset: 24, as: Float.self)
        info.storeBytes(of: m.inputQuantization.zeroPoint, toByteOffset: 28, as: Int32.self)
        info.storeBytes(of: m.outputQuantization.scale, toByteOffset: 32, as: Float.self)
        info.storeBytes(of: m.outputQuantization.zeroPoint, toByteOffset: 36, as: Int32.self)
    }
    return 0
}

/// Bytes of scratch `stim_score` needs for this model.
@_cdecl("stim_scratch_bytes")
public func stim_scratch_bytes(_ model: UnsafeRawPointer?, _ size: Int, _ bytes: UnsafeMutablePointer<Int>?) -> Int32 {
    modelFigure(model, size, bytes) { $0.scratchBytes }
}

/// Scores one window into `classes` int8 scores and the best class (`best` may be NULL). The layer records
/// are checked again (not the checksum, which `stim_model_check` verified), so a wrong buffer is an error.
@_cdecl("stim_score")
public func stim_score(_ model: UnsafeRawPointer?, _ size: Int, _ window: UnsafePointer<Float>?, _ count: Int,
                       _ scratch: UnsafeMutableRawPointer?, _ scratchBytes: Int,
                       _ scores: UnsafeMutablePointer<Int8>?, _ classes: Int, _ best: UnsafeMutablePointer<Int32>?) -> Int32 {
    let status = scoreWindow(model, size, window, count, scratch, scratchBytes, scores, classes) { m, x, s, out throws(FirmwareError) in
        try m.score(x, scratch: s, into: out)
    }
    if status == 0, let scores {
        best?.pointee = Int32(FirmwareModel.bestClass(UnsafeBufferPointer(start: scores, count: classes)))
    }
    return status
}

/// Binary machines of an SVM model (0 for a network): the count `stim_svm_scores` writes.
@_cdecl("stim_machine_count")
public func stim_machine_count(_ model: UnsafeRawPointer?, _ size: Int, _ machines: UnsafeMutablePointer<Int>?) -> Int32 {
    modelFigure(model, size, machines) { $0.machineCount }
}

/// One figure of a model whose records check (not the checksum) into `out`.
private func modelFigure(_ model: UnsafeRawPointer?, _ size: Int, _ out: UnsafeMutablePointer<Int>?,
                         _ figure: (FirmwareModel) -> Int) -> Int32 {
    guard let out else { return FirmwareError.nullArgument.rawValue }
    let checked = checkedModel(model, size, verifyChecksum: false)
    guard case .success(let m) = checked else { return code(checked) }
    out.pointee = figure(m)
    return 0
}

/// The int64 machine scores of an SVM model for one window (a network is `unsupportedKind`); checks as `stim_score`.
@_cdecl("stim_svm_scores")
public func stim_svm_scores(_ model: UnsafeRawPointer?, _ size: Int, _ window: UnsafePointer<Float>?, _ count: Int,
                            _ scratch: UnsafeMutableRawPointer?, _ scratchBytes: Int,
                            _ scores: UnsafeMutablePointer<Int64>?, _ machines: Int) -> Int32 {
    scoreWindow(model, size, window, count, scratch, scratchBytes, scores, machines) { m, x, s, out throws(FirmwareError) in
        try m.machineScores(x, scratch: s, into: out)
    }
}

/// What the scoring functions share: pointers that are not NULL, sizes that are not negative, a model whose
/// records check; then `body` scores the window into `outputs` values.
private func scoreWindow<Output>(
    _ model: UnsafeRawPointer?, _ size: Int, _ window: UnsafePointer<Float>?, _ count: Int,
    _ scratch: UnsafeMutableRawPointer?, _ scratchBytes: Int, _ output: UnsafeMutablePointer<Output>?, _ outputs: Int,
    _ body: (FirmwareModel, UnsafeBufferPointer<Float>, UnsafeMutableRawBufferPointer, UnsafeMutableBufferPointer<Output>) throws(FirmwareError) -> Int
) -> Int32 {
    guard let window, let scratch, let output, count >= 0, scratchBytes >= 0, outputs >= 0 else {
        return FirmwareError.nullArgument.rawValue
    }
    let checked = checkedModel(model, size, verifyChecksum: false)
    guard case .success(let m) = checked else { return code(checked) }
    do {
        _ = try body(m, UnsafeBufferPointer(start: window, count: count),
                     UnsafeMutableRawBufferPointer(start: scratch, count: scratchBytes),
                     UnsafeMutableBufferPointer(start: output, count: outputs))
    } catch {
        return error.rawValue
    }
    return 0
}

/// A sentence for a return code (0: "ok").
@_cdecl("stim_error_string")
public func stim_error_string(_ code: Int32) -> UnsafePointer<CChar> {
    let message: StaticString
    if code == 0 {
        message = "ok"
    } else if let error = FirmwareError(rawValue: code) {
        message = error.message
    } else {
        message = "unknown stim error code"
    }
    return UnsafeRawPointer(message.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// The model buffer format version this build reads.
@_cdecl("stim_format_version")
public func stim_format_version() -> UInt32 { UInt32(FirmwareFormat.version) }

private func checkedModel(_ model: UnsafeRawPointer?, _ size: Int, verifyChecksum: Bool) -> Result<FirmwareModel, FirmwareError> {
    guard let model else { return .failure(.nullArgument) }
    guard size >= 0 else { return .failure(.truncated) }
    do {
        return .success(try FirmwareModel(UnsafeRawBufferPointer(start: model, count: size), verifyChecksum: verifyChecksum))
    } catch {
        return .failure(error)
    }
}

private func code(_ result: Result<FirmwareModel, FirmwareError>) -> Int32 {
    if case .failure(let error) = result { return error.rawValue }
    return 0
}
