import Foundation

/// Whole-file reads and crash-safe writes for the readers and writers, with failures as `RecordingError`s.
enum RecordingFile {
    /// The bytes of the file at `path`.
    static func bytes(at path: String) throws(RecordingError) -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw RecordingError(file: path, problem: "no such file")
        }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw RecordingError(file: path, problem: "cannot read: \(error.localizedDescription)")
        }
    }

    /// The file at `path` as UTF-8 text (invalid bytes become U+FFFD so a stray byte is reported by the parser,
    /// at its line, rather than failing the whole read).
    static func text(at path: String) throws(RecordingError) -> String {
        String(decoding: try bytes(at: path), as: UTF8.self)
    }

    /// Writes every file under a temporary name first, then renames them into place in order, so a full disk
    /// or a crash never leaves a half-written file under a real name.
    static func writeAtomically(_ files: [(path: String, bytes: [UInt8])]) throws(RecordingError) {
        var written: [(temporary: String, path: String)] = []
        func removeTemporaries() {
            for w in written { try? FileManager.default.removeItem(atPath: w.temporary) }
        }
        for file in files {
            let temporary = file.path + ".partial-\(UInt32.random(in: 0...UInt32.max))"
            do {
                try Data(file.bytes).write(to: URL(fileURLWithPath: temporary))
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                removeTemporaries()
                throw RecordingError(file: file.path, problem: "cannot write: \(error.localizedDescription)")
            }
            written.append((temporary, file.path))
        }
        for (index, w) in written.enumerated() where rename(w.temporary, w.path) != 0 {
            let reason = String(cString: strerror(errno))
            for rest in written[index...] { try? FileManager.default.removeItem(atPath: rest.temporary) }
            throw RecordingError(file: w.path, problem: "cannot rename the finished file into place: \(reason)")
        }
    }

    /// `directory/name`, or `name` alone when the directory is empty.
    static func join(_ directory: String, _ name: String) -> String {
        directory.isEmpty ? name : (directory.hasSuffix("/") ? directory + name : directory + "/" + name)
    }

    /// The folder part of a path ("" for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// The file name without folder and without its last extension: "data/a01r.hea" → "a01r".
    static func stem(of path: String) -> String {
        let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// The lower-cased last extension, without the dot ("" when none).
    static func fileExtension(of path: String) -> String {
        let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}
