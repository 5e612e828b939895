import CStimProto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place where Swift values meet protobuf-c's C structs. Packing builds a message tree in an arena that
/// frees everything when it goes; unpacking converts a decoded message to Swift values and frees it at once.
/// No pointer leaves these files.
final class CArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    deinit { for block in blocks { free(block) } }

    /// A message struct initialized by its protobuf-c `…__init` function.
    func message<T>(_ initialize: (UnsafeMutablePointer<T>) -> Void) -> UnsafeMutablePointer<T> {
        let raw = malloc(MemoryLayout<T>.stride)!
        blocks.append(raw)
        let pointer = raw.bindMemory(to: T.self, capacity: 1)
        initialize(pointer)
        return pointer
    }

    func string(_ value: String) -> UnsafeMutablePointer<CChar> {
        let pointer = strdup(value)!
        blocks.append(pointer)
        return pointer
    }

    /// A copy of `values` in C memory, or nil when empty (protobuf-c's representation of an empty repeated field).
    func array<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty else { return nil }
        let raw = malloc(values.count * MemoryLayout<T>.stride)!
        blocks.append(raw)
        let pointer = raw.bindMemory(to: T.self, capacity: values.count)
        pointer.initialize(from: values, count: values.count)
        return pointer
    }

    func strings(_ values: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        array(values.map { Optional(string($0)) })
    }

    func bytes(_ values: [UInt8]) -> ProtobufCBinaryData {
        ProtobufCBinaryData(len: values.count, data: array(values))
    }

    /// An array of message pointers, as protobuf-c holds repeated message fields.
    func messages<T>(_ values: [UnsafeMutablePointer<T>]) -> UnsafeMutablePointer<UnsafeMutablePointer<T>?>? {
        array(values.map { Optional($0) })
    }
}

/// Serializes a packed-size/pack function pair into bytes.
func packed<T>(_ message: UnsafePointer<T>, size: (UnsafePointer<T>) -> Int,
               pack: (UnsafePointer<T>, UnsafeMutablePointer<UInt8>) -> Int) -> [UInt8] {
    let count = size(message)
    guard count > 0 else { return [] }
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        initialized = pack(message, buffer.baseAddress!)
    }
}

/// Decodes `bytes` with a protobuf-c `…__unpack` function, converts the message and frees it.
func unpacked<T, R>(_ bytes: [UInt8], unpack: (Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<T>?,
                    free: (UnsafeMutablePointer<T>) -> Void, failure: () -> FormatError,
                    convert: (UnsafePointer<T>) throws(FormatError) -> R) throws(FormatError) -> R {
    let decoded = bytes.withUnsafeBufferPointer { unpack($0.count, $0.baseAddress) }
    guard let message = decoded else { throw failure() }
    defer { free(message) }
    return try convert(message)
}

func swiftArray<T>(_ pointer: UnsafePointer<T>?, _ count: Int) -> [T] {
    guard let pointer, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: pointer, count: count))
}

func swiftString(_ pointer: UnsafePointer<CChar>?) -> String {
    pointer.map { String(cString: $0) } ?? ""
}

func swiftStrings(_ pointer: UnsafePointer<UnsafeMutablePointer<CChar>?>?, _ count: Int) -> [String] {
    swiftArray(pointer, count).map { swiftString($0) }
}

func swiftBytes(_ data: ProtobufCBinaryData) -> [UInt8] { swiftArray(data.data, data.len) }

func swiftMessages<T, R>(_ pointer: UnsafePointer<UnsafeMutablePointer<T>?>?, _ count: Int,
                         _ convert: (UnsafePointer<T>) throws(FormatError) -> R) throws(FormatError) -> [R] {
    var out: [R] = []
    for element in swiftArray(pointer, count) {
        guard let element else { continue }
        out.append(try convert(element))
    }
    return out
}

/// A proto3 enum value this reader knows, or an error naming the field (a newer minor may add values).
func knownEnum<E: RawRepresentable>(_ raw: UInt32, _: E.Type, field: String, at context: DecodeContext)
    throws(FormatError) -> E where E.RawValue == Int32 {
    guard let value = E(rawValue: Int32(bitPattern: raw)) else {
        throw context.error(.invalid, "\(field) has the unknown value \(Int32(bitPattern: raw))")
    }
    return value
}

/// Where a message being decoded came from, for error messages.
struct DecodeContext {
    var file: String
    var offset: Int
    var what: String

    func error(_ kind: FormatError.Kind, _ problem: String) -> FormatError {
        FormatError(kind, file: file, offset: offset, "\(what): \(problem)")
    }
}
