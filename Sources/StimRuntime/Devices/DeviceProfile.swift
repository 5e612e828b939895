import Foundation

/// What a device offers for training a student on it: read from `devices/profiles/NAME.json` (devices/README.md
/// documents the fields).
public struct DeviceProfile: Sendable, Equatable, Codable {
    public enum Arithmetic: String, Sendable, Codable {
        /// Quantize networks to int8 and score them on the integer path (no or slow float SIMD, or little RAM).
        case int8
        /// Keep networks in float32.
        case float
    }

    public var name: String
    /// The board and its processor, for people.
    public var board: String
    /// armv6, armv7 or aarch64.
    public var architecture: String
    public var cores: Int
    public var ramMB: Int
    public var arithmetic: Arithmetic
    /// Peak resident memory training may use, the stim process included.
    public var trainingMemoryMB: Int
    /// Wall time training may take; networks train fewer epochs to fit it.
    public var trainingSeconds: Double
    /// The most support vectors an RBF student keeps (its scoring cost and size), or nil for no limit.
    public var supportVectors: Int?

    enum CodingKeys: String, CodingKey {
        case name, board, architecture, cores, arithmetic
        case ramMB = "ram_mb", trainingMemoryMB = "training_memory_mb", trainingSeconds = "training_seconds"
        case supportVectors = "support_vectors"
    }

    public var trainingMemoryBytes: Int { trainingMemoryMB << 20 }

    /// The profile in a JSON file, checked.
    public init(path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DeviceProfileError.unreadable(path: path, reason: error.localizedDescription)
        }
        do { self = try JSONDecoder().decode(DeviceProfile.self, from: data) } catch let DecodingError.keyNotFound(key, _) {
            throw DeviceProfileError.invalid(path: path, reason: "the field '\(key.stringValue)' is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw DeviceProfileError.invalid(path: path, reason: "the field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type")
        } catch let DecodingError.dataCorrupted(context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw DeviceProfileError.invalid(path: path, reason: field.isEmpty ? "not JSON" : "the field '\(field)' has a bad value (arithmetic is int8 or float)")
        }
        try check(path: path)
    }

    private func check(path: String) throws {
        func invalid(_ reason: String) -> DeviceProfileError { .invalid(path: path, reason: reason) }
        guard !name.isEmpty else { throw invalid("the name is empty") }
        guard ["armv6", "armv7", "aarch64", "x86_64"].contains(architecture) else {
            throw invalid("architecture '\(architecture)' is not armv6, armv7, aarch64 or x86_64")
        }
        guard (1...256).contains(cores) else { throw invalid("cores must be 1 to 256, not \(cores)") }
        guard ramMB >= 64 else { throw invalid("ram_mb must be at least 64, not \(ramMB)") }
        guard (16...ramMB).contains(trainingMemoryMB) else {
            throw invalid("training_memory_mb must be 16 MB to the RAM (\(ramMB) MB), not \(trainingMemoryMB)")
        }
        guard trainingSeconds > 0, trainingSeconds.isFinite else {
            throw invalid("training_seconds must be a positive number, not \(trainingSeconds)")
        }
        if let supportVectors, supportVectors < 1 { throw invalid("support_vectors must be at least 1, not \(supportVectors)") }
    }

    /// The profile `nameOrPath` names: a JSON file's path, or a name looked up as `NAME.json` in `folders`.
    public static func find(_ nameOrPath: String, in folders: [URL]) throws -> DeviceProfile {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".json") { return try DeviceProfile(path: nameOrPath) }
        for folder in folders {
            let file = folder.appendingPathComponent(nameOrPath + ".json").path
            if FileManager.default.fileExists(atPath: file) { return try DeviceProfile(path: file) }
        }
        let known = Set(folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
        })
        throw DeviceProfileError.unknown(name: nameOrPath, searched: folders.map(\.path), known: known.sorted())
    }
}

/// A device profile that cannot be used.
public enum DeviceProfileError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid(path: String, reason: String)
    case unknown(name: String, searched: [String], known: [String])

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "device profile \(path) cannot be read: \(reason)"
        case .invalid(let path, let reason): return "device profile \(path): \(reason)"
        case .unknown(let name, let searched, let known):
            return "no device profile '\(name)' in \(searched.isEmpty ? "any folder" : searched.joined(separator: ", "))"
                + (known.isEmpty ? "; give a profile file's path" : "; known: \(known.joined(separator: ", "))")
        }
    }
}
